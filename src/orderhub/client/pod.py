"""Print-on-demand (Inkthreadable protocol) client, sync and async, JSON or XML.

Every request is signed as the protocol requires: SHA-1 of the raw body (POST) or of the
query string exactly as sent without the Signature pair (GET, DELETE), followed by the
secret. Errors arrive as `{"error": ...}` with HTTP 200 and are raised as typed exceptions.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from orderhub import __version__
from orderhub.client.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OrderhubClientError,
    TransportError,
    ValidationError,
    error_for_status,
)
from orderhub.client.retry import RetryPolicy, retry_after, should_retry
from orderhub.protocol.pod.signature import sign
from orderhub.protocol.pod.xml_format import parse_xml, render_xml

JSONDict = dict[str, Any]


def _from_xml(content: bytes) -> JSONDict:
    root, value = parse_xml(content)
    return {root: value}


def _classify(message: str) -> type[OrderhubClientError]:
    lowered = message.lower()
    if "appid" in lowered or "signature" in lowered:
        return AuthenticationError
    if "not found" in lowered:
        return NotFoundError
    if "duplicate" in lowered:
        return ConflictError
    return ValidationError


class _PodBase:
    def __init__(
        self,
        base_url: str,
        app_id: str,
        secret: str,
        *,
        fmt: str = "json",
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: Any = None,
    ) -> None:
        """`base_url` is the site root (`http://127.0.0.1:8000`, or the original's
        `https://www.inkthreadable.co.uk`); `fmt` is "json" or "xml"; `transport` an httpx
        transport of the caller's (e.g. one that refuses private addresses), which then
        decides alone how to connect (no proxy is read from the environment)."""
        if fmt not in ("json", "xml"):
            raise ValueError("fmt must be json or xml")
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.fmt = fmt
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.headers = {"User-Agent": f"orderhub-client/{__version__}"}
        self.transport = transport

    def _get_url(self, path: str, params: dict[str, Any]) -> str:
        query = urlencode(
            {
                "AppId": self.app_id,
                **{k: v for k, v in params.items() if v is not None},
                "format": self.fmt,
            }  # fmt: skip
        )
        return f"{self.base_url}/api/{path}?{query}&Signature={sign(query.encode(), self.secret)}"

    def _post_args(self, order: JSONDict) -> tuple[str, bytes, dict[str, str]]:
        if self.fmt == "xml":
            body = render_xml("order", order)
            content_type = "application/xml"
        else:
            body, content_type = orjson.dumps(order), "application/json"
        url = (
            f"{self.base_url}/api/orders.php?AppId={self.app_id}"
            f"&Signature={sign(body, self.secret)}"
        )
        return url, body, {"Content-Type": content_type}

    def _decode(self, response: httpx.Response) -> JSONDict:
        content = response.content
        try:
            if content.lstrip()[:1] == b"<":
                body = _from_xml(content)
            else:
                body = orjson.loads(content) if content else {}
        except Exception:
            raise error_for_status(
                response.status_code if response.status_code >= 400 else 502,
                f"unreadable response: {content[:200]!r}",
                content,
                retry_after(response) or 0,
            ) from None
        if isinstance(body, dict) and "error" in body:
            message = str(body["error"])
            raise _classify(message)(message, response.status_code, body)
        if response.status_code >= 400:
            raise error_for_status(response.status_code, response.reason_phrase, body)
        return body  # type: ignore[no-any-return]


class PrintOnDemandClient(_PodBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._http = httpx.Client(
            headers=self.headers, timeout=self.timeout, transport=self.transport,
            trust_env=self.transport is None,
        )  # fmt: skip

    def __enter__(self) -> PrintOnDemandClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, url: str, *, safe: bool, **kwargs: Any) -> JSONDict:
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.attempts - 1
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if last or not safe:
                    raise TransportError(f"{method} {url.split('?')[0]}: {exc}") from exc
                time.sleep(self.retry.delay(attempt, None))
                continue
            if not last and should_retry(response, safe=safe):
                time.sleep(self.retry.delay(attempt, response))
                continue
            return self._decode(response)
        raise AssertionError("unreachable")

    def list_orders(self, **filters: Any) -> list[JSONDict]:
        """One page (`limit`, `page`, `since_id`, `ids`, `created_at_min/max`, `status`)."""
        body = self._send("GET", self._get_url("orders.php", filters), safe=True)
        return [entry["order"] for entry in body.get("orders") or []]

    def iter_orders(self, page_size: int = 250, **filters: Any) -> Iterator[JSONDict]:
        """Every matching order, oldest first, paging with `since_id`."""
        since = filters.pop("since_id", None)
        while True:
            page = self.list_orders(**filters, limit=page_size, since_id=since)
            yield from page
            if len(page) < page_size:
                return
            since = page[-1]["id"]

    def get_order(self, order_id: int | str) -> JSONDict:
        return dict(
            self._send("GET", self._get_url("order.php", {"id": order_id}), safe=True)["order"]
        )

    def count_orders(self, **filters: Any) -> int:
        body = self._send("GET", self._get_url("orders/count.php", filters), safe=True)
        return int(body["count"])

    def create_order(self, order: JSONDict, *, idempotency_key: str | None = None) -> JSONDict:
        url, body, headers = self._post_args(order)
        headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return dict(self._send("POST", url, safe=True, content=body, headers=headers)["order"])

    def delete_order(self, order_id: int | str) -> JSONDict:
        url = self._get_url("orders.php", {"id": order_id})
        return dict(self._send("DELETE", url, safe=True)["order"])


class AsyncPrintOnDemandClient(_PodBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._http = httpx.AsyncClient(
            headers=self.headers, timeout=self.timeout, transport=self.transport,
            trust_env=self.transport is None,
        )  # fmt: skip

    async def __aenter__(self) -> AsyncPrintOnDemandClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, method: str, url: str, *, safe: bool, **kwargs: Any) -> JSONDict:
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.attempts - 1
            try:
                response = await self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if last or not safe:
                    raise TransportError(f"{method} {url.split('?')[0]}: {exc}") from exc
                await asyncio.sleep(self.retry.delay(attempt, None))
                continue
            if not last and should_retry(response, safe=safe):
                await asyncio.sleep(self.retry.delay(attempt, response))
                continue
            return self._decode(response)
        raise AssertionError("unreachable")

    async def list_orders(self, **filters: Any) -> list[JSONDict]:
        body = await self._send("GET", self._get_url("orders.php", filters), safe=True)
        return [entry["order"] for entry in body.get("orders") or []]

    async def iter_orders(self, page_size: int = 250, **filters: Any) -> AsyncIterator[JSONDict]:
        since = filters.pop("since_id", None)
        while True:
            page = await self.list_orders(**filters, limit=page_size, since_id=since)
            for order in page:
                yield order
            if len(page) < page_size:
                return
            since = page[-1]["id"]

    async def get_order(self, order_id: int | str) -> JSONDict:
        body = await self._send("GET", self._get_url("order.php", {"id": order_id}), safe=True)
        return dict(body["order"])

    async def count_orders(self, **filters: Any) -> int:
        body = await self._send("GET", self._get_url("orders/count.php", filters), safe=True)
        return int(body["count"])

    async def create_order(
        self, order: JSONDict, *, idempotency_key: str | None = None
    ) -> JSONDict:
        url, body, headers = self._post_args(order)
        headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return dict(
            (await self._send("POST", url, safe=True, content=body, headers=headers))["order"]
        )

    async def delete_order(self, order_id: int | str) -> JSONDict:
        url = self._get_url("orders.php", {"id": order_id})
        return dict((await self._send("DELETE", url, safe=True))["order"])
