"""The search a list asks for, independent of any protocol: each door (Order Desk query
string, print-on-demand filters, the desk's search form, the CLI's export options) builds an
`OrderQuery`, and storage turns it into SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderhub.domain.order_fields import sortable_columns

# Fields a list may be sorted by: every scalar field of the order.
SORTABLE_FIELDS: tuple[str, ...] = sortable_columns()
# Address fields searched by "contains" (case-insensitive).
SEARCHABLE_ADDRESS_FIELDS: tuple[str, ...] = tuple(
    f"{prefix}_{f}"
    for prefix in ("customer", "shipping")
    for f in ("first_name", "last_name", "company", "address1", "phone")
)
# Sorts a keyset cursor can page through.
KEYSET_SORTS: tuple[str, ...] = ("date_added", "date_updated", "id")


@dataclass
class OrderQuery:
    """Every condition present is ANDed."""

    ids: list[int] | None = None
    folder_ids: list[int] | None = None
    folder_name: str | None = None
    # The print-on-demand status: orders in the folders that stand for it.
    pod_status: str | None = None
    source_id: str | None = None
    source_name: str | None = None
    email: str | None = None
    customer_id: str | None = None
    added_from: datetime | None = None
    added_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    since_id: int | None = None
    address_contains: dict[str, str] = field(default_factory=dict)
    # Any of: order id, source id, email, name, phone, country, metadata value, tracking
    # number, item code or name (the desk's search box).
    text: str | None = None
    sort: str = "date_added"
    descending: bool = True
    # Keyset paging: only orders after (sort value, id) in the sort order.
    after: tuple[Any, int] | None = None

    def cache_key(self) -> tuple[object, ...]:
        """What decides which orders match (not their order): for caching counts."""
        return (
            tuple(self.ids or ()), tuple(self.folder_ids or ()) if self.folder_ids is not None
            else None, self.folder_name, self.pod_status, self.source_id, self.source_name,
            self.email, self.customer_id, self.added_from, self.added_to, self.updated_from,
            self.updated_to, self.since_id, tuple(sorted(self.address_contains.items())),
            self.text,
        )  # fmt: skip
