"""One way out: every request orderhub sends leaves through `outbound/net.py` (its guards,
pinning, deadline and bounded read). Nothing else in `src/orderhub` may build an HTTP client,
a transport or a raw outbound connection; the Python SDK (`client/`) may build its own httpx
client — that is its job for its users — but when the server uses it, it must hand it
net.py's transport."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "orderhub"
NET = "outbound/net.py"
SDK = "client/"
# A listening socket, not a way out: `orderhub serve` binds its port itself.
LISTENING = {"cli/serve.py": {"socket.socket"}}

FORBIDDEN_MODULES = {
    "requests", "urllib.request", "http.client", "aiohttp", "urllib3", "httpcore", "pycurl",
    "ftplib", "telnetlib", "websockets", "treq", "grequests",
}  # fmt: skip
HTTPX_WAYS_OUT = {
    "Client", "AsyncClient", "HTTPTransport", "AsyncHTTPTransport", "get", "post", "put",
    "patch", "delete", "head", "options", "request", "stream",
}  # fmt: skip
SDK_MAY_BUILD = {"httpx.Client", "httpx.AsyncClient"}
CONNECTING = {"create_connection", "open_connection", "sock_connect", "connect_ex"}
SDK_CLIENTS = {"PrintOnDemandClient", "AsyncPrintOnDemandClient", "OrderDeskClient",
               "AsyncOrderDeskClient"}  # fmt: skip


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def ways_out(relative: str, source: str) -> list[str]:
    """What in one module could send a request past net.py (empty when nothing)."""
    if relative == NET:
        return []
    found: list[str] = []
    allowed = LISTENING.get(relative, set()) | (
        SDK_MAY_BUILD if relative.startswith(SDK) else set()
    )
    for node in ast.walk(ast.parse(source)):
        line = f"{relative}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{line} imports {a.name}" for a in node.names if a.name in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if node.module in FORBIDDEN_MODULES or full in FORBIDDEN_MODULES:
                    found.append(f"{line} imports {full}")
                elif node.module == "httpx" and alias.name in HTTPX_WAYS_OUT:
                    found.append(f"{line} imports httpx.{alias.name}")
                elif node.module == "socket" and alias.name in {"socket", *CONNECTING}:
                    found.append(f"{line} imports socket.{alias.name}")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted in allowed:
                continue
            if dotted.startswith("httpx.") and node.attr in HTTPX_WAYS_OUT:
                found.append(f"{line} uses {dotted}")
            elif dotted == "socket.socket" or node.attr in CONNECTING:
                found.append(f"{line} uses {dotted}")
        elif isinstance(node, ast.Call) and not relative.startswith(SDK):
            name = _dotted(node.func).rsplit(".", 1)[-1]
            if name in SDK_CLIENTS and not _uses_net_transport(node):
                found.append(f"{line} builds {name} without net.transport(...)")
    return found


def _uses_net_transport(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "transport" and isinstance(keyword.value, ast.Call):
            return _dotted(keyword.value.func) == "net.transport"
    return False


def test_nothing_outside_net_py_opens_a_way_out() -> None:
    found: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        found += ways_out(relative, path.read_text(encoding="utf-8"))
    assert found == [], "send through orderhub.outbound.net instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "import httpx\nclient = httpx.AsyncClient()",
        "import httpx\nhttpx.post('http://169.254.169.254/')",
        "from httpx import Client",
        "import httpx\nt = httpx.AsyncHTTPTransport()",
        "import requests",
        "import urllib.request",
        "from urllib import request",
        "from urllib.request import urlopen",
        "import http.client",
        "from http import client",
        "import aiohttp",
        "import socket\nsocket.create_connection(('10.0.0.1', 80))",
        "import socket\ns = socket.socket()",
        "import asyncio\nasyncio.open_connection('10.0.0.1', 80)",
        "from orderhub.client import AsyncPrintOnDemandClient\nAsyncPrintOnDemandClient('u', 'a', 's')",
        "from orderhub.client.pod import PrintOnDemandClient\n"
        "PrintOnDemandClient('u', 'a', 's', transport=my_transport)",
    ],
)
def test_the_guard_sees_another_way_out(source: str) -> None:
    assert ways_out("outbound/sneaky.py", source)
    assert ways_out("desk/sneaky.py", source)


def test_the_sdk_may_build_its_own_client_and_nothing_else() -> None:
    assert ways_out("client/pod.py", "import httpx\nhttpx.AsyncClient(transport=t)") == []
    assert ways_out("client/pod.py", "import httpx\nhttpx.post('http://x/')")
    assert ways_out("client/pod.py", "import requests")
    forwarder = "AsyncPrintOnDemandClient('u', 'a', 's', transport=net.transport(p, deadline=1))"
    assert ways_out("outbound/forwarder.py", forwarder) == []
