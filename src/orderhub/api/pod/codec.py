"""JSON and XML for the print-on-demand protocol.

XML mirrors the JSON shape: an object becomes child elements, a list becomes repeated
elements named for one of its entries (`orders` → `order`, `items` → `item`, ...). Incoming
XML goes through defusedxml with DTDs, entities and external references forbidden, so entity
expansion ("billion laughs") and external-entity reads are refused rather than processed.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
import orjson
from defusedxml import DefusedXmlException

from orderhub.domain.errors import InvalidInput

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
_SINGULAR = {"orders": "order", "items": "item", "designs": "design", "mockups": "mockup"}
# Request elements whose children are a list rather than an object.
_LIST_CONTAINERS = {"items", "orders", "mockups_list"}


def wants_xml_body(content_type: str, body: bytes) -> bool:
    """By Content-Type; by the first non-blank character when the type says nothing useful."""
    kind = content_type.split(";")[0].strip().lower()
    if kind.endswith("/xml") or kind.endswith("+xml"):
        return True
    if kind.endswith("/json") or kind.endswith("+json"):
        return False
    return body.lstrip()[:1] == b"<"


def parse_body(body: bytes, as_xml: bool) -> Any:
    if not body.strip():
        raise InvalidInput("request body is empty")
    if not as_xml:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(f"malformed JSON: {exc}") from None
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InvalidInput("XML with a DTD or entities is not accepted") from None
    except SafeET.ParseError as exc:
        raise InvalidInput(f"malformed XML: {exc}") from None
    return _element(root)


def _element(node: Any) -> Any:
    children = list(node)
    if not children:
        return (node.text or "").strip()
    tags = [child.tag for child in children]
    if node.tag in _LIST_CONTAINERS or (len(tags) > 1 and len(set(tags)) == 1 and
                                        _SINGULAR.get(node.tag) == tags[0]):  # fmt: skip
        return [_element(child) for child in children]
    return {child.tag: _element(child) for child in children}


def to_json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)


def to_xml(document: dict[str, Any]) -> bytes:
    """`{"orders": [...]}` → `<orders>...</orders>`; one top-level key becomes the root."""
    ((root, value),) = document.items()
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + _render(root, value).encode("utf-8")


def _render(tag: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_render(k, v) for k, v in value.items())
    elif isinstance(value, list):
        child = _SINGULAR.get(tag, "item")
        inner = "".join(
            _render(child, v[child])
            if isinstance(v, dict) and list(v) == [child]
            else _render(child, v)
            for v in value
        )
    elif value is None:
        return f"<{tag}/>"
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"
