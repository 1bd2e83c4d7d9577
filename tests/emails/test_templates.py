"""Templates: the built-ins render for empty and maximal orders; the sandbox and the limits
refuse escapes and runaway templates with a clear message; the filters; the packing slip's
barcode scans back to the order id."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from orderhub.domain.orders import Order
from orderhub.domain.stores import Store
from orderhub.templating import filters
from orderhub.templating.builtins import BUILTIN_NAMES, PACKING_SLIP, Template, default
from orderhub.templating.plaintext import html_to_text
from orderhub.templating.render import check, render, sample_order, variables
from orderhub.templating.sandbox import TemplateProblem
from tests.emails.code128 import decode, widths_from_svg

STORE = Store(
    7, "Lee & Co", "", "", "Europe/London", {"money_format": "£0.00"}, datetime(2026, 1, 1)
)
EMPTY = Order(id=3, store_id=7, date_added=datetime(2026, 1, 1), date_updated=datetime(2026, 1, 1))


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_every_builtin_renders_for_an_empty_and_a_maximal_order(name: str) -> None:
    template = default(name)
    assert template is not None
    check(template, STORE)
    full = render(template, variables(STORE, sample_order()))
    empty = render(template, variables(STORE, EMPTY))
    assert "1001" in full.html + full.subject and "3" in empty.html + empty.subject
    assert "Lee &amp; Co" in full.html  # autoescaped
    if template.kind == "email":
        assert full.subject and "\n" not in full.subject and full.text.strip()


def test_shipment_confirmation_links_the_carrier_tracking_page() -> None:
    template = default("shipment confirmation")
    assert template is not None
    order = sample_order()
    order.shipments[0] = replace(order.shipments[0], carrier_code="", tracking_url="")
    out = render(template, variables(STORE, order))
    link = "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert f'href="{link}"' in out.html and f"<{link}>" in out.text


def template(body: str, subject: str = "") -> Template:
    return Template("mine", "email" if subject else "document", subject, body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "'__class__' is not allowed"),
        ("{{ order.__class__ }}", "'__class__' is not allowed"),
        ("{{ cycler.__init__.__globals__ }}", "is not allowed"),
        ("{{ order['_x'] }}", "'_x' is not allowed"),
        ("{% for i in range(10**9) %}x{% endfor %}", "refused"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
         "refused: "),
        ("{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
         "refused: "),
        ("{% for a in order.order_items %}{% for b in order.order_items %}"
         "{% for c in order.order_items %}{% for d in order.order_items %}"
         "{% endfor %}{% endfor %}{% endfor %}{% endfor %}", "refused: "),
        ("{% set _loop_values = 1 %}", "'_loop_values' is not allowed"),
        ("{{ 'x' * 10**8 }}", "refused"),
        ("{{ [1] * 10**8 }}", "refused"),
        ("{{ 9 ** 999 }}", "exponents"),
        ("{{ '%099999999d'|format(1) }}", "format width"),
        ("{{ '{:>99999999}'.format(1) }}", "format width"),
        ("{{ 'x'|center(999999999) }}", "refused"),
        ("{{ 'x'.zfill(999999999) }}", "refused"),
        ("{% for i in range(99999) %}{{ 'y' * 99 }}{% endfor %}", "output longer"),
        ("line one\n{% for x in %}", "line 2"),
        ("ok\n\n{{ 1 / 0 }}", "line 3"),
        ("{{ nothing.here }}", "'nothing' is undefined"),
        ("x" * 100_001, "longer than 100,000 characters"),
    ],
)  # fmt: skip
def test_escapes_and_runaway_templates_are_refused_with_a_clear_message(
    body: str, message: str
) -> None:
    with pytest.raises(TemplateProblem) as refused:
        check(template(body), STORE)
    assert message in refused.value.message


def test_a_subject_never_breaks_a_header_line() -> None:
    out = render(template("<p>x</p>", "Hello\r\nBcc: x@example.com {{ order.id }}"),
                 variables(STORE, sample_order()))  # fmt: skip
    assert out.subject == "Hello Bcc: x@example.com 1001"


def test_subject_problems_name_the_subject() -> None:
    with pytest.raises(TemplateProblem) as refused:
        check(template("<p>x</p>", "{% if %}"), STORE)
    assert refused.value.part == "subject" and refused.value.line == 1


def test_money_and_dates_follow_the_store() -> None:
    assert filters.money("1234.5", "£0.00") == "£1,234.50"
    assert filters.money(-3, "0,00 €") == "-3,00 €"
    assert filters.money("9876543.219", "0,00 €") == "9.876.543,22 €"
    assert filters.local_time("2026-07-01 12:00:00", "Europe/London") == "2026-07-01 13:00"
    assert filters.local_time("2026-01-01 12:00:00", "America/New_York", "%d/%m %H") == "01/01 07"
    out = render(template("{{ order.order_total|money }} {{ order.date_added|date }}"),
                 variables(STORE, sample_order()))  # fmt: skip
    assert out.html == "£402.99 2026-11-25 14:30"
    big = replace(sample_order(), order_total=Decimal("2500000"))
    out = render(template("{{ order.order_total|money }} {{ order.order_total|round }}"),
                 variables(STORE, big))  # fmt: skip
    assert out.html == "£2,500,000.00 2500000"
    out = render(template('{{ "%.2f"|format(2500000) }} {{ "{:,}".format(2500000) }}'),
                 variables(STORE, big))  # fmt: skip
    assert out.html == "2500000.00 2,500,000"


def test_qrcode_is_inline_svg() -> None:
    svg = str(filters.qrcode_svg("https://example.com/o/1"))
    assert svg.startswith("<svg") and "<script" not in svg


def test_the_packing_slips_barcode_decodes_back_to_the_order_id() -> None:
    slip = default(PACKING_SLIP)
    assert slip is not None
    for order_id in (1001, 7, 123456789):
        order = replace(sample_order(), id=order_id)
        html = render(slip, variables(STORE, order)).html
        svg = re.search(r'<svg class="barcode".*?</svg>', html, re.S)
        assert svg is not None
        assert decode(widths_from_svg(svg.group(0))) == str(order_id)
    assert decode(widths_from_svg(str(filters.barcode_svg("SHOP-1001/ab")))) == "SHOP-1001/ab"


def test_the_text_part_keeps_links_and_drops_markup() -> None:
    text = html_to_text(
        '<style>p{}</style><p>Hi <b>Ann</b>,</p><p><a href="https://t.example/1">Track</a></p>'
    )
    assert text == "Hi Ann,\n\nTrack <https://t.example/1>\n"
