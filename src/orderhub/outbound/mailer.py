"""The SMTP server the store's emails go through, from `ORDERHUB_SMTP_URL`, and the message
put together from a rendered template.

- `smtp://host[:port]` (port 25) plain, `smtp://host:587?starttls=1` upgraded with STARTTLS,
  `smtps://host[:port]` (port 465) TLS from the first byte; certificates are verified
  (`?verify=0` turns that off, for a test server only).
- A user name is the URL's user part (`smtp://mailer@host`); the password comes from
  `ORDERHUB_SMTP_PASSWORD` or the file named by `ORDERHUB_SMTP_PASSWORD_FILE`, never from the
  URL, and is never logged (errors name the host, not the credentials).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from orderhub.config import Settings
from orderhub.domain.errors import InvalidInput
from orderhub.domain.stores import Store
from orderhub.storage.emails import Email
from orderhub.templating.render import RenderedEmail

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # smtps://
    starttls: bool
    verify: bool
    username: str
    password: str = field(repr=False)
    timeout: float

    @property
    def shown(self) -> str:
        scheme = "smtps" if self.tls else "smtp"
        return f"{scheme}://{self.host}:{self.port}{'?starttls=1' if self.starttls else ''}"


def server_from(settings: Settings) -> SmtpServer | None:
    """The configured server, or None when `ORDERHUB_SMTP_URL` is unset."""
    if not settings.smtp_url:
        return None
    parts = urlsplit(settings.smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInput("ORDERHUB_SMTP_URL: must be smtp://host[:port] or smtps://host[:port]")
    if parts.password:
        raise InvalidInput(
            "ORDERHUB_SMTP_URL: put the password in ORDERHUB_SMTP_PASSWORD or "
            "ORDERHUB_SMTP_PASSWORD_FILE, not in the URL"
        )
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    password = ""
    if settings.smtp_password_file is not None:
        try:
            password = settings.smtp_password_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"ORDERHUB_SMTP_PASSWORD_FILE: cannot read {settings.smtp_password_file}: "
                f"{type(exc).__name__}"
            ) from None
    elif settings.smtp_password is not None:
        password = settings.smtp_password.get_secret_value()
    tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname, port=parts.port or (465 if tls else 25), tls=tls,
        starttls=not tls and query.get("starttls", "") in _TRUE,
        verify=query.get("verify", "1") in _TRUE, username=unquote(parts.username or ""),
        password=password, timeout=settings.smtp_timeout_seconds,
    )  # fmt: skip


def message(store: Store, email: Email, rendered: RenderedEmail) -> EmailMessage:
    """The message of one outbox row: From/Reply-To from the store's settings (checked for
    line breaks when set), the row's fixed Message-ID, a text and an HTML part."""
    sender = str(store.settings.get("email_sender_address") or "")
    if not sender:
        raise InvalidInput("the store has no email_sender_address (orderhub store set ...)")
    local, _, domain = sender.rpartition("@")
    name = str(store.settings.get("email_sender_name") or store.name)
    msg = EmailMessage()
    msg["From"] = Address(display_name=" ".join(name.split()), username=local, domain=domain)
    msg["To"] = email.recipient
    if store.settings.get("email_reply_to"):
        msg["Reply-To"] = str(store.settings["email_reply_to"])
    msg["Subject"] = rendered.subject
    msg["Message-ID"] = email.message_id
    msg["Date"] = format_datetime(email.created_at.replace(tzinfo=UTC), usegmt=True)
    msg["X-Orderhub-Order"] = str(email.order_id)
    msg.set_content(rendered.text)
    html = rendered.html
    if "<html" not in html[:2000].lower():  # a body fragment: give it a document
        html = f'<!doctype html><html><head><meta charset="utf-8"></head><body>{html}</body></html>'
    msg.add_alternative(html, subtype="html")
    return msg


def send(server: SmtpServer, msg: EmailMessage) -> None:
    """Hand one message to the server (blocking: run it in a thread)."""
    context = ssl.create_default_context()
    if not server.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    smtp: smtplib.SMTP
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    with smtp:
        if server.starttls:
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password)
        smtp.send_message(msg)
