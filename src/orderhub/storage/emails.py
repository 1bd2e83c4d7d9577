"""The email outbox: one row per email to send, written in the transaction of the change it
follows, claimed with a lease by outbound/email_worker.py (storage/outbox.py), every attempt
logged. The Message-ID is fixed when the row is written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, NotFound
from orderhub.storage import outbox
from orderhub.storage.email_tables import email_attempts, email_outbox

PENDING, SENT, FAILED = outbox.PENDING, "sent", "failed"


@dataclass(frozen=True)
class Email:
    id: int
    store_id: int
    order_id: int
    shipment_id: int | None
    template: str
    recipient: str
    message_id: str
    status: str
    attempts: int  # a claimed row: including this one
    last_error: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    duration_ms: int
    error: str


def _email(row: Any, *, claimed: bool = False) -> Email:
    return Email(
        row.id, row.store_id, row.order_id, row.shipment_id, row.template, row.recipient,
        row.message_id, row.status, row.attempts + (1 if claimed else 0), row.last_error,
        row.created_at, row.sent_at,
    )  # fmt: skip


def enqueue(
    conn: Connection,
    store_id: int,
    order_id: int,
    template: str,
    recipient: str,
    *,
    shipment_id: int | None,
    now: datetime,
    domain: str,
) -> int:
    """Queue one email; its Message-ID is `<uuid@domain>` (the sender's domain)."""
    values = {
        "store_id": store_id, "order_id": order_id, "shipment_id": shipment_id,
        "template": template, "recipient": recipient,
        "message_id": f"<{uuid.uuid4()}@{domain}>", "status": PENDING, "attempts": 0,
        "next_attempt_at": now, "last_error": "", "created_at": now,
    }  # fmt: skip
    return int(
        conn.execute(
            insert(email_outbox).values(**values).returning(email_outbox.c.id)
        ).scalar_one()
    )


def claim_due(conn: Connection, *, limit: int, lease: timedelta) -> list[Email]:
    rows = outbox.claim(conn, email_outbox, [], limit=limit, lease=lease, now=utcnow())
    return [_email(row, claimed=True) for row in rows]


def record_attempt(
    conn: Connection, email: Email, attempt: Attempt, *, sent: bool, retry_at: datetime | None
) -> bool:
    """Log an attempt and settle the row: sent, due again at `retry_at`, or failed. False when
    the row was no longer this sender's to settle (its lease ran out and it was re-claimed)."""
    conn.execute(
        insert(email_attempts).values(
            store_id=email.store_id, email_id=email.id, attempted_at=attempt.attempted_at,
            duration_ms=attempt.duration_ms, error=attempt.error[:2000],
        )
    )  # fmt: skip
    values: dict[str, Any] = {"leased_until": None, "last_error": attempt.error[:2000]}
    if sent:
        values.update(status=SENT, sent_at=utcnow())
    elif retry_at is not None:
        values["next_attempt_at"] = retry_at
    else:
        values["status"] = FAILED
    done = conn.execute(
        update(email_outbox)
        .where(
            email_outbox.c.id == email.id,
            email_outbox.c.status == PENDING,
            email_outbox.c.attempts == email.attempts,
        )
        .values(**values)
    )
    return done.rowcount > 0


def list_emails(
    conn: Connection,
    store_id: int,
    *,
    order_id: int | None = None,
    failed_only: bool = False,
    limit: int = 50,
) -> list[Email]:
    """The store's (or one order's) latest emails, newest first."""
    query = (
        select(email_outbox)
        .where(email_outbox.c.store_id == store_id)
        .order_by(email_outbox.c.id.desc())
        .limit(limit)
    )
    if order_id is not None:
        query = query.where(email_outbox.c.order_id == order_id)
    if failed_only:
        query = query.where(email_outbox.c.status == FAILED)
    return [_email(row) for row in conn.execute(query)]


def get(conn: Connection, email_id: int, store_id: int | None = None) -> Email:
    query = select(email_outbox).where(email_outbox.c.id == email_id)
    if store_id is not None:
        query = query.where(email_outbox.c.store_id == store_id)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"Email {email_id} not found")
    return _email(row)


def resend(conn: Connection, email: Email) -> None:
    """Queue a sent or failed email again, with a fresh count of attempts (the same
    Message-ID, so a mail client can tell it is a repeat)."""
    if email.status == PENDING:
        raise Conflict(f"Email {email.id} is still pending")
    conn.execute(
        update(email_outbox)
        .where(email_outbox.c.id == email.id, email_outbox.c.status != PENDING)
        .values(status=PENDING, attempts=0, next_attempt_at=utcnow(), leased_until=None,
                sent_at=None)
    )  # fmt: skip


def attempts_of(conn: Connection, email_id: int) -> list[Attempt]:
    rows = conn.execute(
        select(email_attempts.c.attempted_at, email_attempts.c.duration_ms, email_attempts.c.error)
        .where(email_attempts.c.email_id == email_id)
        .order_by(email_attempts.c.id)
    )
    return [Attempt(*row) for row in rows]
