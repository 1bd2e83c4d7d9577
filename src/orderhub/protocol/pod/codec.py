"""Request and response bodies of the print-on-demand surface: JSON or XML, chosen per
request (see `orderhub.protocol.pod` for the XML rules and its hardening)."""

from __future__ import annotations

from typing import Any

import orjson

from orderhub.domain.errors import InvalidInput
from orderhub.domain.values import json_problem
from orderhub.protocol.pod.xml_format import XmlError, parse_xml, render_xml

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"


def wants_xml_body(content_type: str, body: bytes) -> bool:
    """By Content-Type; by the first non-blank character when the type says nothing useful."""
    kind = content_type.split(";")[0].strip().lower()
    if kind.endswith("/xml") or kind.endswith("+xml"):
        return True
    if kind.endswith("/json") or kind.endswith("+json"):
        return False
    return body.lstrip()[:1] == b"<"


def parse_body(body: bytes, as_xml: bool) -> Any:
    """The request as the JSON shape, refused unless every value can be stored and shown
    again (depth, NUL, numbers: see values.json_problem)."""
    if not body.strip():
        raise InvalidInput("request body is empty")
    if as_xml:
        try:
            data = parse_xml(body)[1]
        except XmlError as exc:
            raise InvalidInput(str(exc)) from None
    else:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(f"malformed JSON: {exc}") from None
    problem = json_problem(data)
    if problem:
        raise InvalidInput(f"request body: {problem}")
    return data


def to_json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)


def to_xml(document: dict[str, Any]) -> bytes:
    """`{"orders": [...]}` → `<orders>...</orders>`; one top-level key becomes the root."""
    ((root, value),) = document.items()
    return render_xml(root, value)
