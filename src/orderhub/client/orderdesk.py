"""Order Desk v2 client, sync and async, for orderhub or the hosted original.

Every endpoint is described once (`_Call`); the sync and async clients differ only in how
they send. Creating calls carry an `Idempotency-Key` generated per call, so the automatic
retries can never create a second order or shipment.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
import orjson

from orderhub import __version__
from orderhub.client.errors import TransportError, error_for_status
from orderhub.client.retry import RetryPolicy, retry_after, should_retry

JSONDict = dict[str, Any]
R = TypeVar("R")
DEFAULT_USER_AGENT = f"orderhub-client/{__version__}"


@dataclass(frozen=True)
class _Call:
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    key: str | None = None  # the envelope key to return; None returns the whole envelope
    creates: bool = False  # send an Idempotency-Key
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def safe(self) -> bool:
        return self.method in {"GET", "HEAD"} or self.creates


def _decode(response: httpx.Response, call: _Call) -> Any:
    try:
        body = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        body = {"status": "error", "message": response.text[:200] or response.reason_phrase}
    failed = response.status_code >= 400 or (
        isinstance(body, dict) and body.get("status") == "error"
    )
    if failed:
        message = body.get("message", "") if isinstance(body, dict) else str(body)
        raise error_for_status(
            response.status_code if response.status_code >= 400 else 400,
            message or response.reason_phrase,
            body,
            retry_after(response) or 0,
        )
    if call.key is not None and isinstance(body, dict):
        return body.get(call.key)
    return body


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (",".join(map(str, v)) if isinstance(v, list | tuple) else v)
        for k, v in params.items()
        if v is not None
    }


class _Endpoints(Generic[R]):
    """The Order Desk v2 endpoints; `R` is a dict (sync) or an awaitable of one (async)."""

    def _send(self, call: _Call) -> R:
        raise NotImplementedError

    # connection and store
    def test(self) -> R:
        return self._send(_Call("GET", "/test"))

    def get_store(self) -> R:
        return self._send(_Call("GET", "/store", key="store"))

    # orders
    def list_orders(self, **filters: Any) -> R:
        """One page: `{"total_records", "records_returned", "offset", "limit", "orders"}`.
        Filters are the query parameters of GET /orders (folder_id, source_id, email,
        search_start_date, order_by, order, limit, offset, ...)."""
        return self._send(_Call("GET", "/orders", params=_clean(filters)))

    def get_order(self, order_id: int | str) -> R:
        return self._send(_Call("GET", f"/orders/{order_id}", key="order"))

    def create_order(self, order: JSONDict, *, idempotency_key: str | None = None) -> R:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._send(
            _Call("POST", "/orders", body=order, key="order", creates=True, headers=headers)
        )

    def update_order(self, order_id: int | str, order: JSONDict) -> R:
        """Full replacement (PUT): send the whole order, e.g. from get_order()."""
        return self._send(_Call("PUT", f"/orders/{order_id}", body=order, key="order"))

    def delete_order(self, order_id: int | str) -> R:
        return self._send(_Call("DELETE", f"/orders/{order_id}"))

    def add_history(self, order_id: int | str, note: str, source_name: str | None = None) -> R:
        body = {"note": note, **({"source_name": source_name} if source_name else {})}
        return self._send(
            _Call("POST", f"/orders/{order_id}/order-history", body=body, key="order")
        )

    # order items
    def list_items(self, order_id: int | str) -> R:
        return self._send(_Call("GET", f"/orders/{order_id}/order-items", key="order_items"))

    def get_item(self, order_id: int | str, item_id: int | str) -> R:
        return self._send(
            _Call("GET", f"/orders/{order_id}/order-items/{item_id}", key="order_item")
        )

    def add_item(self, order_id: int | str, item: JSONDict) -> R:
        return self._send(
            _Call("POST", f"/orders/{order_id}/order-items", body=item, key="order_item")
        )

    def update_item(self, order_id: int | str, item_id: int | str, changes: JSONDict) -> R:
        return self._send(
            _Call(
                "PUT", f"/orders/{order_id}/order-items/{item_id}", body=changes, key="order_item"
            )
        )

    def delete_item(self, order_id: int | str, item_id: int | str) -> R:
        return self._send(_Call("DELETE", f"/orders/{order_id}/order-items/{item_id}"))

    # shipments
    def list_shipments(self, order_id: int | str) -> R:
        return self._send(_Call("GET", f"/orders/{order_id}/shipments", key="shipments"))

    def get_shipment(self, order_id: int | str, shipment_id: int | str) -> R:
        return self._send(
            _Call("GET", f"/orders/{order_id}/shipments/{shipment_id}", key="shipment")
        )

    def add_shipment(self, order_id: int | str, shipment: JSONDict) -> R:
        return self._send(
            _Call(
                "POST",
                f"/orders/{order_id}/shipments",
                body=shipment,
                key="shipment",
                creates=True,
            )
        )

    def update_shipment(self, order_id: int | str, shipment_id: int | str, shipment: JSONDict) -> R:
        return self._send(
            _Call(
                "PUT",
                f"/orders/{order_id}/shipments/{shipment_id}",
                body=shipment,
                key="shipment",
            )
        )

    def delete_shipment(self, order_id: int | str, shipment_id: int | str) -> R:
        return self._send(_Call("DELETE", f"/orders/{order_id}/shipments/{shipment_id}"))

    def batch_shipments(self, shipments: list[JSONDict]) -> R:
        """Per-entry outcomes are in the returned envelope's `results`."""
        return self._send(_Call("POST", "/batch-shipments", body=shipments, creates=True))

    # inventory
    def list_inventory(self, **filters: Any) -> R:
        return self._send(_Call("GET", "/inventory-items", params=_clean(filters)))

    def get_inventory_item(self, item_id: int | str) -> R:
        return self._send(_Call("GET", f"/inventory-items/{item_id}", key="inventory_item"))

    def create_inventory_item(self, item: JSONDict) -> R:
        return self._send(_Call("POST", "/inventory-items", body=item, key="inventory_item"))

    def update_inventory_item(self, item_id: int | str, item: JSONDict) -> R:
        return self._send(
            _Call("PUT", f"/inventory-items/{item_id}", body=item, key="inventory_item")
        )

    def delete_inventory_item(self, item_id: int | str) -> R:
        return self._send(_Call("DELETE", f"/inventory-items/{item_id}"))

    def batch_inventory(self, items: list[JSONDict]) -> R:
        return self._send(_Call("PUT", "/batch-inventory-items", body=items))

    # folders
    def move_orders(
        self,
        order_ids: list[int | str],
        *,
        folder_id: int | None = None,
        folder_name: str | None = None,
    ) -> R:
        body: JSONDict = {"order_id_list": [int(i) for i in order_ids]}
        if folder_id is not None:
            body["destination_folder_id"] = folder_id
        if folder_name is not None:
            body["destination_folder_name"] = folder_name
        return self._send(_Call("POST", "/move-orders", body=body))

    # folder management: an orderhub extension, not served by the hosted Order Desk
    def list_folders(self) -> R:
        """Folders with their `order_count` (orderhub only)."""
        return self._send(_Call("GET", "/folders", key="folders"))

    def create_folder(self, name: str, *, pod_status: str | None = None) -> R:
        body: JSONDict = {"name": name}
        if pod_status is not None:
            body["pod_status"] = pod_status
        return self._send(_Call("POST", "/folders", body=body, key="folder"))

    def rename_folder(self, folder_id: int | str, name: str) -> R:
        return self._send(_Call("PUT", f"/folders/{folder_id}", body={"name": name}, key="folder"))

    def delete_folder(self, folder_id: int | str) -> R:
        """Only an empty folder can be deleted (a ConflictError otherwise)."""
        return self._send(_Call("DELETE", f"/folders/{folder_id}"))


class _Base:
    def __init__(
        self,
        base_url: str,
        store_id: int | str,
        api_key: str,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        """`base_url` is the API root, e.g. `http://127.0.0.1:8000/api/v2` or
        `https://app.orderdesk.me/api/v2`."""
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.headers = {
            "ORDERDESK-STORE-ID": str(store_id),
            "ORDERDESK-API-KEY": api_key,
            "User-Agent": user_agent,
            "Accept": "application/json",
        }

    def _request_kwargs(self, call: _Call, key: str | None) -> dict[str, Any]:
        headers = dict(call.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        kwargs: dict[str, Any] = {"params": call.params, "headers": headers}
        if call.body is not None:
            kwargs["content"] = orjson.dumps(call.body)
            headers["Content-Type"] = "application/json"
        return kwargs

    @staticmethod
    def _idempotency_key(call: _Call) -> str | None:
        if not call.creates:
            return None
        return call.headers.get("Idempotency-Key") or str(uuid.uuid4())


class OrderDeskClient(_Base, _Endpoints[Any]):
    """Blocking client. Use as a context manager, or call close()."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._http = httpx.Client(
            base_url=self.base_url, headers=self.headers, timeout=self.timeout
        )

    def __enter__(self) -> OrderDeskClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, call: _Call) -> Any:
        kwargs = self._request_kwargs(call, self._idempotency_key(call))
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.attempts - 1
            try:
                response = self._http.request(call.method, call.path, **kwargs)
            except httpx.TransportError as exc:
                if last or not should_retry(None, safe=call.safe):
                    raise TransportError(f"{call.method} {call.path}: {exc}") from exc
                time.sleep(self.retry.delay(attempt, None))
                continue
            if not last and should_retry(response, safe=call.safe):
                time.sleep(self.retry.delay(attempt, response))
                continue
            return _decode(response, call)
        raise AssertionError("unreachable")

    def iter_orders(self, page_size: int = 100, **filters: Any) -> Iterator[JSONDict]:
        """Every matching order, one page at a time (offset/limit)."""
        offset = int(filters.pop("offset", 0))
        while True:
            page = self.list_orders(**filters, limit=page_size, offset=offset)
            yield from page["orders"]
            if len(page["orders"]) < page_size:
                return
            offset += page_size


class AsyncOrderDeskClient(_Base, _Endpoints[Awaitable[Any]]):
    """asyncio client with the same methods, awaited."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=self.headers, timeout=self.timeout
        )

    async def __aenter__(self) -> AsyncOrderDeskClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, call: _Call) -> Any:  # type: ignore[override]
        kwargs = self._request_kwargs(call, self._idempotency_key(call))
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.attempts - 1
            try:
                response = await self._http.request(call.method, call.path, **kwargs)
            except httpx.TransportError as exc:
                if last or not should_retry(None, safe=call.safe):
                    raise TransportError(f"{call.method} {call.path}: {exc}") from exc
                await asyncio.sleep(self.retry.delay(attempt, None))
                continue
            if not last and should_retry(response, safe=call.safe):
                await asyncio.sleep(self.retry.delay(attempt, response))
                continue
            return _decode(response, call)
        raise AssertionError("unreachable")

    async def iter_orders(self, page_size: int = 100, **filters: Any) -> AsyncIterator[JSONDict]:
        offset = int(filters.pop("offset", 0))
        while True:
            page = await self.list_orders(**filters, limit=page_size, offset=offset)
            for order in page["orders"]:
                yield order
            if len(page["orders"]) < page_size:
                return
            offset += page_size
