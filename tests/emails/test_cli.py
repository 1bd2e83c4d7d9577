"""`orderhub template ...` and `orderhub email ...` on both engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.channel import Channel
from orderhub.services import emails as email_service
from orderhub.storage import emails as outbox
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.email_tables import email_outbox
from tests.helpers import OrderDesk

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_templates_and_emails_from_the_command_line(
    database: Database, od: OrderDesk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)
    store = od.store.store
    sid = str(store.id)
    order_id = int(od.create_order(email="kim@example.com")["id"])

    code, out = run("template", "list", sid)
    assert code == 0
    for name in ("order confirmation", "shipment confirmation", "packing slip", "invoice"):
        assert name in out
    code, out = run("template", "show", sid, "shipment confirmation")
    assert code == 0 and out.startswith("Subject: Your order {{ order.id }}")

    code, out = run("template", "set", sid, "packing slip", stdin="<p>ok</p>\n{{ order. }}\n")
    assert code == 1 and "body (line 2)" in out
    slip = tmp_path / "slip.html"
    slip.write_text("<h1>Slip {{ order.id }} for {{ order.shipping.first_name }}</h1>")
    code, out = run("template", "set", sid, "packing slip", "--file", str(slip))
    assert code == 0 and "saved" in out
    assert "edited" in run("template", "list", sid)[1]
    code, out = run("template", "render", sid, "packing slip", str(order_id))
    assert code == 0 and out.strip() == f"<h1>Slip {order_id} for Jane</h1>"
    code, out = run("template", "render", sid, "order confirmation", str(order_id))
    assert code == 0 and out.startswith(f"Subject: Your order {order_id} at ")
    assert run("template", "render", sid, "invoice", str(order_id + 10**6))[0] == 1
    code, out = run("template", "reset", sid, "packing slip")
    assert code == 0 and "reset to the default" in out
    assert "Slip" not in run("template", "show", sid, "packing slip")[1]

    code, out = run("template", "set", sid, "job ticket", "--kind", "document", stdin="<p>J</p>")
    assert code == 0
    assert run("template", "set", sid, "welcome", "--kind", "email", stdin="<p>x</p>")[0] == 1
    code, out = run("template", "reset", sid, "job ticket")
    assert code == 0 and "deleted" in out
    assert run("template", "show", sid, "job ticket")[0] == 1

    email_service.send_template(database, store, order_id, "order confirmation",
                                channel=Channel.cli())  # fmt: skip
    with database.read() as conn:
        [email] = outbox.list_emails(conn, store.id, order_id=order_id)
    code, out = run("email", "list", sid)
    assert code == 0 and "kim@example.com" in out and "pending" in out
    assert run("email", "list", sid, "--failed")[1].count("kim@example.com") == 0
    code, out = run("email", "resend", str(email.id))
    assert code == 1 and "still pending" in out
    with database.write() as conn:
        conn.execute(email_outbox.update().where(email_outbox.c.id == email.id)
                     .values(status="failed", last_error="550 no such user"))  # fmt: skip
    assert "550 no such user" in run("email", "list", sid, "--failed")[1]
    code, out = run("email", "resend", str(email.id))
    assert code == 0 and "queued again" in out
    with database.read() as conn:
        assert outbox.get(conn, email.id).status == "pending"


def test_an_unknown_store_is_refused(
    database: Database, monkeypatch: pytest.MonkeyPatch, make_store: Callable[..., stores.NewStore]
) -> None:
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)
    code, out = run("template", "list", str(10**12))
    assert code == 1 and "not found" in out
