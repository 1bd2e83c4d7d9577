"""A store's saved templates (its edited copies of the built-ins, and its own)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from orderhub.domain.dates import utcnow
from orderhub.storage.email_tables import templates
from orderhub.templating.builtins import BUILTIN_NAMES, Template, default


def _template(row: Any) -> Template:
    return Template(
        row.name, row.kind, row.subject, row.body, row.text_body,
        builtin=row.name in BUILTIN_NAMES, edited=True,
    )  # fmt: skip


def saved(conn: Connection, store_id: int) -> list[Template]:
    rows = conn.execute(
        select(templates).where(templates.c.store_id == store_id).order_by(templates.c.name)
    )
    return [_template(row) for row in rows]


def find(conn: Connection, store_id: int, name: str) -> Template | None:
    """The store's template of that name: its saved copy, else the built-in default."""
    row = conn.execute(
        select(templates).where(templates.c.store_id == store_id, templates.c.name == name)
    ).first()
    return _template(row) if row is not None else default(name)


def save(conn: Connection, store_id: int, template: Template) -> None:
    values = {
        "kind": template.kind, "subject": template.subject, "body": template.body,
        "text_body": template.text_body, "updated_at": utcnow(),
    }  # fmt: skip
    done = conn.execute(
        update(templates)
        .where(templates.c.store_id == store_id, templates.c.name == template.name)
        .values(**values)
    )
    if done.rowcount == 0:
        conn.execute(insert(templates).values(store_id=store_id, name=template.name, **values))


def remove(conn: Connection, store_id: int, name: str) -> bool:
    done = conn.execute(
        delete(templates).where(templates.c.store_id == store_id, templates.c.name == name)
    )
    return done.rowcount > 0
