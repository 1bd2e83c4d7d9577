"""The annotated field types every Order Desk request body is made of, and the one way their
errors are reported.

Each type turns what clients send into a value the storage can hold on both databases:
text no longer than its column and without NUL or control characters, whole numbers from
ASCII digits within the field's range, money within ±1e12, free-form JSON that can be
stored and shown again. The limits themselves live in `domain/limits.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from orderhub.domain import limits, values
from orderhub.domain.errors import InvalidInput, OrderhubError
from orderhub.domain.money import parse_decimal

MAX_TEXT = 255
ModelT = TypeVar("ModelT", bound=BaseModel)


def _text(value: Any) -> str:
    result = values.text(value)
    problem = values.text_problem(result)
    if problem:
        raise ValueError(problem)
    return result


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    try:
        return parse_decimal(value, "value")
    except OrderhubError as exc:
        raise ValueError(exc.message.removeprefix("value: ")) from None


def _map(value: Any) -> dict[str, Any]:
    """A key→value object; PHP clients send [] for an empty one."""
    if value is None or value == []:
        return {}
    if isinstance(value, dict):
        problem = values.json_problem(value)
        if problem:
            raise ValueError(problem)
        return value
    raise ValueError("must be an object of key/value pairs")


def whole_in(low: int, high: int, what: str = "a whole number") -> Any:
    """A BeforeValidator for whole numbers (ASCII digits only) within [low, high]."""

    def parse(value: Any) -> int:
        number = values.whole_between(value, low, high)
        if number is None:
            raise ValueError(f"must be {what} from {low:,} to {high:,}")
        return number

    return BeforeValidator(parse)


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    number = values.whole_between(value, 1, limits.MAX_ID)
    if number is None:
        raise ValueError("must be an id: a whole number from 1 to 2**63 - 1")
    return number


def fits(table: str, name: str, *, min_length: int = 0) -> Any:
    """Text as wide as the column `table.name` (its width from domain/limits.py):
    `cc_exp: Annotated[Str, fits("orders", "cc_exp")]`."""
    return Field(min_length=min_length, max_length=limits.width(table, name))


def optional_fits(table: str, name: str, *, blank_is_null: bool = False) -> Any:
    """Like `fits`, for text that may be null (kept as null; "" too with `blank_is_null`)."""
    width = limits.width(table, name)

    def parse(value: Any) -> str | None:
        if value is None or (blank_is_null and value == ""):
            return None
        result = _text(value)
        if len(result) > width:
            raise ValueError(f"String should have at most {width} characters")
        return result

    return BeforeValidator(parse)


Str = Annotated[str, BeforeValidator(_text)]
Text = Annotated[Str, Field(max_length=MAX_TEXT)]
LongText = Annotated[str, BeforeValidator(_text), Field(max_length=65_535)]
Money = Annotated[Decimal, BeforeValidator(_decimal)]
Map = Annotated[dict[str, Any], BeforeValidator(_map)]
Quantity = Annotated[int, whole_in(1, limits.MAX_QUANTITY)]
Stock = Annotated[int, whole_in(-limits.MAX_STOCK, limits.MAX_STOCK)]
RecordId = Annotated[int, whole_in(1, limits.MAX_ID, "an id: a whole number")]
OptionalId = Annotated[int | None, BeforeValidator(_optional_id)]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


def parse_body(model: type[ModelT], data: Any) -> ModelT:
    """Validate, turning pydantic's report into one message that names each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("request body: expected a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe_errors(exc)) from None


def describe_errors(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        path = ""
        for loc in err["loc"]:
            path += f"[{loc}]" if isinstance(loc, int) else (f".{loc}" if path else str(loc))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required"
        parts.append(f"{path or 'request body'}: {message}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
