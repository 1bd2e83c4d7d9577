"""Sends queued emails (storage/emails.py) through the SMTP server; one worker in each
process, started only when `ORDERHUB_SMTP_URL` is set.

Each pass claims due rows with a lease longer than a send can take, renders each from the
order as it is now (templating/, bounded: a template that fails is recorded on the order and
the email fails without a retry — a retry would fail the same way), and hands it to the
server. A refused or unreachable server is retried with backoff until `email_max_attempts`,
every attempt logged. Two processes never hold one row; a process that dies between claim
and send leaves the row to be claimed again when its lease runs out, and the row's fixed
Message-ID lets a mail client recognise the rare repeat of a message the server took just
before the crash.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
from datetime import timedelta

from orderhub.config import Settings
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import OrderhubError
from orderhub.outbound import mailer
from orderhub.outbound.background import BackgroundLoop
from orderhub.services import emails as email_service
from orderhub.storage import emails as email_storage
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.storage.outbox import retry_at
from orderhub.templating.render import render_email, variables

log = logging.getLogger("orderhub.emails")
BATCH = 10


class _Final(Exception):
    """A failure no retry can mend (the order is gone, the template does not render)."""


class EmailWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.server = mailer.server_from(settings)
        self.max_attempts = settings.email_max_attempts
        self.backoff_seconds = settings.email_backoff_seconds
        self.lease = timedelta(seconds=3 * settings.smtp_timeout_seconds + 10)
        self._loop = BackgroundLoop("email delivery", settings.email_poll_seconds, log)

    def start(self) -> None:
        if self.server is not None:
            self._loop.start(self.send_due)

    async def stop(self) -> None:
        await self._loop.stop()

    async def send_due(self, _resource: object = None) -> int:
        """One pass: claim what is due and send it, one at a time. Returns how many."""
        claimed = await asyncio.to_thread(self._claim)
        for email in claimed:
            try:
                await asyncio.to_thread(self.send_one, email)
            except Exception:  # the lease runs out and it is tried again
                log.exception("email %s failed unexpectedly", email.id)
        return len(claimed)

    def _claim(self) -> list[email_storage.Email]:
        return email_service.claim_due(self.db, limit=BATCH, lease=self.lease)

    def _message(self, email: email_storage.Email) -> mailer.EmailMessage:
        with self.db.read() as conn:
            store = stores.get_store(conn, email.store_id)
            found = order_storage.load_orders(conn, store.id, [email.order_id], with_history=False)
            template = template_storage.find(conn, store.id, email.template)
        if not found:
            raise _Final("the order no longer exists")
        if template is None:
            raise _Final(f"the template {email.template!r} no longer exists")
        try:
            values = variables(store, found[0], email.shipment_id, now=utcnow())
            return mailer.message(store, email, render_email(template, values))
        except OrderhubError as exc:
            raise _Final(exc.message) from None

    def send_one(self, email: email_storage.Email) -> None:
        """Render, send and record one claimed email (blocking)."""
        assert self.server is not None
        attempted_at, started = utcnow(), time.monotonic()
        error, final = "", False
        try:
            msg = self._message(email)
            mailer.send(self.server, msg)
        except _Final as exc:
            error, final = str(exc), True
        except smtplib.SMTPRecipientsRefused as exc:
            error, final = f"recipient refused by {self.server.shown}: {exc.recipients}", True
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{self.server.shown}: {type(exc).__name__}: {exc}"
        duration_ms = int((time.monotonic() - started) * 1000)
        attempt = email_storage.Attempt(attempted_at, duration_ms, error[:2000])
        retry = (
            None
            if final or not error
            else retry_at(email.attempts, self.max_attempts, self.backoff_seconds)
        )
        if error:
            log.warning("email %s (attempt %s) failed: %s", email.id, email.attempts, error)
        email_service.settle(self.db, email, attempt, sent=not error, retry_at=retry)
