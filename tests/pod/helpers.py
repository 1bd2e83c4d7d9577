"""A print-on-demand client for tests: signs exactly as the protocol says."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from fastapi.testclient import TestClient

from orderhub.storage.stores import NewStore

DOC_EXAMPLE: dict[str, Any] = {
    "brandName": "Inkthreadable",
    "comment": "Test order.",
    "shipping_address": {
        "firstName": "Alex", "lastName": "Cunliffe", "company": "Inkthreadable",
        "address1": "Unit 501a", "address2": "Glenfield Park Two", "city": "Blackburn",
        "county": "Lancashire", "postcode": "BB1 5QH", "country": "United Kingdom",
        "phone1": "+44 (0)1254 777070",
    },
    "shipping": {"shippingMethod": "courier"},
    "items": [
        {
            "pn": "JH001", "quantity": 4, "retailPrice": 20,
            "description": "Please print as large as posible",
            "designs": {"front": "http://example.com/a.jpg", "back": "http://example.com/b.jpg"},
        }
    ],
}  # fmt: skip

XML_ORDER = b"""<?xml version="1.0" encoding="UTF-8"?>
<order>
  <external_id>XML-1</external_id>
  <brandName>Brand X</brandName>
  <shipping_address>
    <firstName>Sven</firstName><lastName>Svensson</lastName><address1>Storgatan 1</address1>
    <city>Stockholm</city><postcode>111 22</postcode><country>Sweden</country>
  </shipping_address>
  <shipping><shippingMethod>regular</shippingMethod></shipping>
  <items>
    <item><pn>GD05-BLK-L</pn><quantity>2</quantity><retailPrice>27.99</retailPrice>
      <designs><front>https://example.com/f.png</front></designs></item>
  </items>
</order>"""


def sha1(payload: bytes, secret: str) -> str:
    return hashlib.sha1(payload + secret.encode(), usedforsecurity=False).hexdigest()


class Pod:
    def __init__(self, client: TestClient | httpx.Client, store: NewStore) -> None:
        self.client = client
        self.app_id = store.store.pod_app_id
        self.secret = store.pod_secret
        self.store = store

    def signed_query(self, **params: Any) -> str:
        query = urlencode({"AppId": self.app_id, **params})
        return f"{query}&Signature={sha1(query.encode(), self.secret)}"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(f"/api/{path}?{self.signed_query(**params)}")

    def delete(self, **params: Any) -> httpx.Response:
        return self.client.delete(f"/api/orders.php?{self.signed_query(**params)}")

    def post(self, body: bytes | dict[str, Any], content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
        raw = body if isinstance(body, bytes) else orjson.dumps(body)
        url = f"/api/orders.php?AppId={self.app_id}&Signature={sha1(raw, self.secret)}"
        return self.client.post(
            url, content=raw, headers={"Content-Type": content_type, **(headers or {})}
        )

    def create(self, **changes: Any) -> dict[str, Any]:
        response = self.post({**DOC_EXAMPLE, **changes})
        body = response.json()
        assert "order" in body, body
        return dict(body["order"])
