"""The SMTP settings as documented, and the shipment subscriber's cost when it is off."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from orderhub.domain.errors import InvalidInput
from orderhub.domain.stores import Store
from orderhub.outbound.mailer import server_from
from orderhub.services import emails, events
from orderhub.services.events import OrderEvent
from tests.helpers import make_settings


def test_the_smtp_url_forms(tmp_path: Path) -> None:
    plain = server_from(make_settings(smtp_url="smtp://mail.example.com"))
    assert plain is not None and (plain.host, plain.port, plain.tls, plain.starttls) == (
        "mail.example.com", 25, False, False,
    )  # fmt: skip
    secret = tmp_path / "password"
    secret.write_text("s3cret-pass\n")
    upgraded = server_from(make_settings(smtp_url="smtp://mailer@mail.example.com:587?starttls=1",
                                         smtp_password_file=secret))  # fmt: skip
    assert upgraded is not None
    assert (upgraded.port, upgraded.starttls, upgraded.username) == (587, True, "mailer")
    assert upgraded.password == "s3cret-pass" and "s3cret" not in repr(upgraded)
    tls = server_from(make_settings(smtp_url="smtps://m@mail.example.com", smtp_password="pw"))
    assert tls is not None and (tls.port, tls.tls, tls.password) == (465, True, "pw")
    assert server_from(make_settings(smtp_url=None)) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.com", "must be smtp://"),
        ("smtp://user:pw@mail.example.com", "not in the URL"),
    ],
)
def test_bad_smtp_settings_are_refused_with_the_reason(url: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        server_from(make_settings(smtp_url=url))
    assert message in refused.value.message and "pw" not in refused.value.message


def test_an_unreadable_password_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="ORDERHUB_SMTP_PASSWORD_FILE: cannot read"):
        server_from(make_settings(smtp_url="smtp://m@h", smtp_password_file=tmp_path / "none"))


def test_the_shipment_subscriber_makes_no_query_when_the_setting_is_off() -> None:
    assert emails.SHIPMENT_CREATED == events.SHIPMENT_CREATED
    store = Store(1, "Shop", "", "", "UTC", {}, datetime(2026, 1, 1))
    shipped = OrderEvent(events.SHIPMENT_CREATED, 1, {"shipment_id": 1})
    emails.on_order_event(None, store, shipped)  # type: ignore[arg-type]  # no connection used
    interest = emails.SUBSCRIPTION.interest
    assert interest is not None
    assert not interest(None, store, events.SHIPMENT_CREATED)  # type: ignore[arg-type]
