"""Suppliers (print providers orders are forwarded to): add, edit, remove, resend. One path
for the CLI and the desk, so both check the same things and both write the audit log.

A supplier's secret is given once, when it is added (or replaced on edit); no answer shows
it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.limits import (
    CODE_PATTERN_MAX,
    MAX_CODE_PATTERNS,
    SUPPLIER_APP_ID_MAX,
    SUPPLIER_NAME_MAX,
    SUPPLIER_SECRET_MAX,
    URL_MAX,
)
from orderhub.outbound import net
from orderhub.protocol.pod.supplier_order import format_shipping_map, parse_shipping_map
from orderhub.services import audit
from orderhub.storage import forwarding_jobs, stores
from orderhub.storage import orders as order_storage
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from orderhub.storage.suppliers import Supplier

NAME_MAX, APP_ID_MAX, SECRET_MAX = SUPPLIER_NAME_MAX, SUPPLIER_APP_ID_MAX, SUPPLIER_SECRET_MAX


@dataclass(frozen=True)
class SupplierFields:
    """What `supplier add` and the desk's form give. On edit, an empty `secret` keeps the
    current one. Folders are ids of the store's folders."""

    name: str
    url: str
    app_id: str
    secret: str
    folder_id: int
    code_patterns: list[str] = field(default_factory=list)
    shipping_map: str = ""
    at_supplier_folder_id: int | None = None
    failed_folder_id: int | None = None


@dataclass(frozen=True)
class Resent:
    supplier: str
    queued: bool
    message: str


def check_url(url: str, outbound: net.OutboundSettings | net.OutboundPolicy) -> str:
    """The site root, refused now rather than at the first forward if the outbound guards
    (ORDERHUB_OUTBOUND_*) would refuse it."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) > URL_MAX:
        raise InvalidInput("url: must be an http(s) URL: the supplier's site root")
    try:
        net.check_url(url, outbound)
    except net.OutboundRefused as exc:
        raise InvalidInput(f"url: {exc.message}") from None
    return url


def _checked(
    fields: SupplierFields, outbound: net.OutboundSettings | net.OutboundPolicy, *, new: bool
) -> tuple[str, dict[str, str], list[str]]:
    name = fields.name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(f"name: the name must be 1 to {NAME_MAX} characters")
    if not fields.app_id.strip() or len(fields.app_id) > APP_ID_MAX:
        raise InvalidInput(f"app_id: the AppId is required (at most {APP_ID_MAX} characters)")
    if (new and not fields.secret) or len(fields.secret) > SECRET_MAX:
        raise InvalidInput(f"secret: the secret is required (at most {SECRET_MAX} characters)")
    patterns = [p.strip() for p in fields.code_patterns if p.strip()]
    if len(patterns) > MAX_CODE_PATTERNS or any(len(p) > CODE_PATTERN_MAX for p in patterns):
        raise InvalidInput(
            f"codes: at most {MAX_CODE_PATTERNS} patterns of {CODE_PATTERN_MAX} characters"
        )
    try:
        mapping = parse_shipping_map(fields.shipping_map)
    except InvalidInput as exc:
        raise InvalidInput(f"shipping_map: {exc.message}") from None
    return check_url(fields.url, outbound), mapping, patterns


def _check_folders(conn: Connection, store_id: int, fields: SupplierFields) -> None:
    for name, folder_id in (
        ("folder_id", fields.folder_id),
        ("at_supplier_folder_id", fields.at_supplier_folder_id),
        ("failed_folder_id", fields.failed_folder_id),
    ):
        if folder_id is None:
            continue
        if stores.find_folder(conn, store_id, folder_id=folder_id) is None:
            raise InvalidInput(f"{name}: store {store_id} has no folder {folder_id}")


def add_supplier(
    db: Database,
    store_id: int,
    fields: SupplierFields,
    *,
    outbound: net.OutboundSettings | net.OutboundPolicy,
    channel: Channel,
) -> Supplier:
    url, mapping, patterns = _checked(fields, outbound, new=True)
    with db.write() as conn:
        _check_folders(conn, store_id, fields)
        supplier = supplier_storage.add_supplier(
            conn, store_id, name=fields.name.strip(), base_url=url, app_id=fields.app_id.strip(),
            secret=fields.secret, folder_id=fields.folder_id, code_patterns=patterns,
            shipping_map=mapping, at_supplier_folder_id=fields.at_supplier_folder_id,
            failed_folder_id=fields.failed_folder_id,
        )  # fmt: skip
        audit.record(conn, store_id, channel, "supplier.add", supplier.name, url)
    return supplier


def update_supplier(
    db: Database,
    store_id: int,
    supplier_id: int,
    fields: SupplierFields,
    *,
    outbound: net.OutboundSettings | net.OutboundPolicy,
    channel: Channel,
) -> Supplier:
    url, mapping, patterns = _checked(fields, outbound, new=False)
    with db.write() as conn:
        _check_folders(conn, store_id, fields)
        before = supplier_storage.get_supplier(conn, store_id, supplier_id)
        supplier = supplier_storage.update_supplier(
            conn, store_id, supplier_id, name=fields.name.strip(), base_url=url,
            app_id=fields.app_id.strip(), secret=fields.secret or before.secret,
            folder_id=fields.folder_id, code_patterns=patterns, shipping_map=mapping,
            at_supplier_folder_id=fields.at_supplier_folder_id,
            failed_folder_id=fields.failed_folder_id,
        )  # fmt: skip
        detail = "secret replaced" if fields.secret else ""
        audit.record(conn, store_id, channel, "supplier.edit", supplier.name, detail)
    return supplier


def remove_supplier(db: Database, store_id: int, supplier_id: int, *, channel: Channel) -> str:
    """Remove it and its forwarding jobs (orders it has stay as they are); its name."""
    with db.write() as conn:
        supplier = supplier_storage.get_supplier(conn, store_id, supplier_id)
        supplier_storage.remove_supplier(conn, store_id, supplier_id)
        audit.record(conn, store_id, channel, "supplier.remove", supplier.name)
    return supplier.name


def resend(
    db: Database, store_id: int, order_id: int, *, supplier_id: int | None, channel: Channel
) -> list[Resent]:
    """Queue an order for forwarding again (after it failed, or was skipped); an order the
    supplier already has is not sent twice."""
    with db.write() as conn:
        if not order_storage.order_exists(conn, store_id, order_id):
            raise NotFound(f"Order {order_id} not found")
        jobs = forwarding_jobs.jobs_for_order(conn, store_id, order_id)
        if not jobs:
            forwarding_jobs.queue_arrivals(conn, store_id, order_id)
            jobs = forwarding_jobs.jobs_for_order(conn, store_id, order_id)
        if supplier_id is not None:
            jobs = [j for j in jobs if j.supplier_id == supplier_id]
        if not jobs:
            raise InvalidInput(
                f"order {order_id} has no forwarding job: move it into a supplier's folder"
            )
        names = {s.id: s.name for s in supplier_storage.list_suppliers(conn, store_id)}
        done = []
        for job in jobs:
            who = names.get(job.supplier_id, str(job.supplier_id))
            if job.status in (forwarding_jobs.SENT, forwarding_jobs.SHIPPED):
                message = f"{who}: already has it as order {job.supplier_order_id}; not resent"
                done.append(Resent(who, False, message))
                continue
            forwarding_jobs.requeue(conn, job.id)
            message = f"{who}: order {order_id} queued (external_id {job.external_id})"
            done.append(Resent(who, True, message))
        if any(r.queued for r in done):
            audit.record(conn, store_id, channel, "supplier.resend", f"order {order_id}")
    return done


def describe_shipping_map(supplier: Supplier) -> str:
    return format_shipping_map(supplier.shipping_map)
