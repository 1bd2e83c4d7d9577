"""The print-on-demand (Inkthreadable) protocol's XML, one implementation for every party
that speaks it: the server (`api/pod`), the client (`client/pod`) and the forwarder.

XML mirrors the JSON shape: an object becomes child elements, a list becomes repeated
elements named for one of its entries (`orders` → `order`, `items` → `item`, ...); null is
`<name nil="true"/>`, so JSON and XML agree on absent values. Incoming
XML goes through defusedxml with DTDs, entities and external references forbidden, and its
nesting is bounded, so entity expansion, external-entity reads and stack exhaustion are all
refused rather than processed.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
MAX_XML_DEPTH = 32
# An absent value (JSON null) is an empty element with this attribute, so that it reads
# back as null rather than "" (an empty element without it is the empty string).
NIL = "nil"
# A list element and the name of each of its entries.
_SINGULAR = {"orders": "order", "items": "item", "designs": "design", "mockups": "mockup"}
# Always lists, whatever their children are called.
_ALWAYS_LISTS = {"orders", "items"}


class XmlError(ValueError):
    """The document is not XML this protocol accepts; the message says why."""


class XmlNameError(ValueError):
    """A key that cannot be an element name reached the writer (a bug in the caller: keys
    from data are checked on the way in, or sent in a list form as `placements` does)."""


# The element names the writer accepts: an ASCII subset of XML's Name production (a letter or
# `_`, then letters, digits, `_`, `.` or `-`); every name of the protocol is one.
ELEMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def placements(found: dict[str, str]) -> dict[str, str] | list[dict[str, str]]:
    """Designs or mockups as a request carries them: the placement map `{"front": url}`, or,
    when a placement cannot be an element name (`Printing Front`, `front><x>`), the list
    form `[{"title": ..., "src": ...}]` that both JSON and XML carry as plain text."""
    if all(ELEMENT_NAME.fullmatch(name) for name in found):
        return found
    return [{"title": name, "src": url} for name, url in found.items()]


def render_xml(root: str, value: Any) -> bytes:
    """`render_xml("order", {...})` → the document, declaration included."""
    return XML_DECLARATION + _render(root, value).encode("utf-8")


def _render(tag: str, value: Any) -> str:
    if not isinstance(tag, str) or ELEMENT_NAME.fullmatch(tag) is None:
        raise XmlNameError(f"{tag!r} is not an XML element name")
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
        return f'<{tag} {NIL}="true"/>'
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def parse_xml(body: bytes) -> tuple[str, Any]:
    """(the root element's name, its content as the JSON shape would have it)."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise XmlError("XML with a DTD or entities is not accepted") from None
    except SafeET.ParseError as exc:
        raise XmlError(f"malformed XML: {exc}") from None
    return root.tag, _element(root, 1)


def _element(node: Any, depth: int) -> Any:
    if depth > MAX_XML_DEPTH:
        raise XmlError(f"XML nested deeper than {MAX_XML_DEPTH} levels is not accepted")
    children = list(node)
    if not children:
        if node.get(NIL) == "true":
            return None
        return (node.text or "").strip()
    singular = _SINGULAR.get(node.tag)
    if node.tag in _ALWAYS_LISTS or (singular and all(c.tag == singular for c in children)):
        if node.tag == "orders":  # as in JSON: [{"order": {...}}, ...]
            return [{child.tag: _element(child, depth + 1)} for child in children]
        return [_element(child, depth + 1) for child in children]
    return {child.tag: _element(child, depth + 1) for child in children}
