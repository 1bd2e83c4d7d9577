"""The README's and docs/pod.md's curl walk-throughs, pasted as written into bash against a
live `orderhub serve`, so the documentation cannot drift from what the service does.

Only what a reader would fill in is replaced: the port, the API key, the AppId and secret,
and `.venv/bin/orderhub` (this interpreter's orderhub). Every curl must get a 2xx."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest

from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from tests.servers import clean_env, running_server

ROOT = Path(__file__).resolve().parent.parent
# Any HTTP error fails the script; each response on its own line.
CURL = 'curl() { command curl -sS --fail-with-body "$@"; echo; }\n'


def _sh_blocks(path: Path) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def _run(script: str, cwd: Path, database_url: str) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", CURL + script],
        cwd=cwd, env=clean_env(ORDERHUB_DATABASE_URL=database_url), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run the documented walk-throughs")
    url = f"sqlite:///{tmp_path / 'walk.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        new = stores.create_store(conn, "Demo Store")
    db.dispose()
    with running_server(url) as server:
        yield server, new, url


def test_readme_walkthrough(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, new, url = live
    blocks = [b for b in _sh_blocks(ROOT / "README.md") if "curl" in b][:2]
    assert len(blocks) == 2, "the README's two curl walk-throughs"
    script = "\n".join(blocks)
    script = script.replace("<key printed by make run>", new.api_key)
    script = script.replace("http://127.0.0.1:8000", server.url)
    script = script.replace(".venv/bin/orderhub", f"{sys.executable} -m orderhub")
    _run(script, tmp_path, url)
    headers = {"ORDERDESK-STORE-ID": str(new.store.id), "ORDERDESK-API-KEY": new.api_key}
    order = httpx.get(f"{server.url}/api/v2/orders/2", headers=headers).json()["order"]
    assert order["source_id"] == "1002" and order["fulfillment_status"] == "fulfilled"
    stock = httpx.get(
        f"{server.url}/api/v2/inventory-items", params={"code": "TS-1"}, headers=headers
    ).json()["inventory_items"][0]["stock"]
    assert stock == 7
    gone = httpx.get(f"{server.url}/api/v2/orders/1", headers=headers)
    assert gone.status_code == 404  # the first walk-through deletes order 1


def test_pod_walkthrough(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, new, url = live
    (block,) = [b for b in _sh_blocks(ROOT / "docs" / "pod.md") if "sig()" in b]
    script = block.replace("APP=APP-12345678", f"APP={new.store.pod_app_id}")
    script = script.replace("SECRET=...", f"SECRET={new.pod_secret}")
    script = script.replace("KEY=...", f"KEY={new.api_key}")
    script = script.replace("http://127.0.0.1:8000", server.url)
    out = _run(script, tmp_path, url)
    assert "<trackingNumber>AB123456789GB</trackingNumber>" in out
    assert "<status>shipped</status>" in out
    created = orjson.loads((tmp_path / "order.json").read_bytes())["order"]
    assert created["external_id"] == "SHOP-1"


def test_readme_rules_walkthrough(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The README's hub flow, up to the rule's move (forwarding onwards: the supplier tests)."""
    server, new, url = live
    (block,) = [b for b in _sh_blocks(ROOT / "README.md") if "tees.json" in b]
    setup = (
        f'H=(-H "ORDERDESK-STORE-ID: {new.store.id}" -H "ORDERDESK-API-KEY: {new.api_key}")\n'
        f'orderhub() {{ "{sys.executable}" -m orderhub "$@"; }}\n'
    )
    out = _run(setup + block.replace("http://127.0.0.1:8000", server.url), tmp_path, url)
    created = orjson.loads(out.strip().splitlines()[-1])["order"]
    headers = {"ORDERDESK-STORE-ID": str(new.store.id), "ORDERDESK-API-KEY": new.api_key}
    folders = httpx.get(f"{server.url}/api/v2/folders", headers=headers).json()["folders"]
    printing = next(int(f["id"]) for f in folders if f["name"] == "Printing")
    assert int(created["folder_id"]) == printing  # the answer already shows the rule's move
    notes = [h["note"] for h in created.get("order_history", [])] or [
        h["note"]
        for h in httpx.get(f"{server.url}/api/v2/orders/{created['id']}", headers=headers).json()[
            "order"
        ]["order_history"]
    ]
    assert "Rule 'T-shirts go to Printer B': moved to Printing; added a note" in notes
