"""Every write transaction is opened in services/ (CONTRIBUTING.md): an adapter, a worker or
the composition that needs a change calls a service, which opens the transaction (with
`db.write()` or `services/transaction.py`'s `write`) or runs on the caller's connection."""

from __future__ import annotations

import re
from pathlib import Path

import orderhub

SRC = Path(orderhub.__file__).parent
OPENS_A_WRITE = re.compile(
    r"\.write\(\)|\btransaction\.write\b|from orderhub\.services\.transaction import"
)
# Where a write transaction may open: the use cases, and the Database that implements it.
ALLOWED = ("services/", "storage/database.py")


def _opening_writes() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name.startswith(ALLOWED):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        hits = [n for n, line in enumerate(lines, 1) if OPENS_A_WRITE.search(line)]
        if hits:
            found[name] = hits
    return found


def test_write_transactions_open_only_in_services() -> None:
    outside = _opening_writes()
    assert outside == {}, "call a service (services/) instead of opening a write transaction"


def test_the_scan_sees_a_write() -> None:
    assert OPENS_A_WRITE.search("    with self.db.write() as conn:")
    assert OPENS_A_WRITE.search("with transaction.write(db, store) as (conn, store):")
    assert not OPENS_A_WRITE.search("with db.read() as conn:")
