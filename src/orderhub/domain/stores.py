"""A store as the services see it: its identity, settings and what a write needs to know
about it; and its folders. Read by storage, cached with the credentials by the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Store:
    id: int
    name: str
    api_key_hint: str
    pod_app_id: str
    timezone: str
    settings: dict[str, Any]
    created_at: datetime
    # Whether the store has any webhook endpoint / any supplier. Read only with the store a
    # write transaction works on (`get_store_for_write`), so exact there; None elsewhere
    # (the copy cached with credentials may be seconds old), meaning "ask".
    has_webhooks: bool | None = None
    has_suppliers: bool | None = None
    # The store's rules generation and the events its enabled rules listen to, read the same
    # way (storage/rules.py): a change no rule listens to costs no query. None: not read
    # with the store, and no rules run (every service publishes with the write's store).
    rules_generation: int | None = None
    rule_events: frozenset[str] | None = None


@dataclass(frozen=True)
class Folder:
    id: int
    name: str
    position: int
    pod_status: str | None
