"""Which door a change came through: named in the history entries it writes, and a
parameter wherever doors differ (duplicate rules, default source ids)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    # Stable identifier, stored in order_history.surface (at most 20 characters).
    surface: str
    # How history entries name the source of the change.
    source_name: str

    @classmethod
    def orderdesk(cls) -> Channel:
        return cls("orderdesk", "API")

    @classmethod
    def pod(cls) -> Channel:
        return cls("pod", "Print-on-demand API")

    @classmethod
    def cli(cls) -> Channel:
        return cls("cli", "CLI")

    @classmethod
    def importer(cls) -> Channel:
        return cls("cli", "CLI")

    @classmethod
    def desk(cls, user_email: str) -> Channel:
        return cls("desk", f"Desk ({user_email})"[:100])

    @classmethod
    def forwarder(cls, supplier_name: str) -> Channel:
        return cls("forwarder", f"Supplier {supplier_name}"[:100])

    @classmethod
    def rule(cls, rule_name: str) -> Channel:
        """A change an automation rule made (docs/rules.md)."""
        return cls("rule", f"Rule '{rule_name}'"[:100])
