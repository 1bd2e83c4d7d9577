"""The body of POST /orders/{id}/split (an orderhub extension): which items move to a new
order, and where it goes. Strict, unlike the Order Desk bodies: a field this server does
not know is refused rather than ignored, so a typo cannot split more than was meant."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orderhub.domain.limits import MAX_SPLIT_PARTS
from orderhub.protocol.orderdesk.models.common import Quantity, RecordId, Str, fits


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SplitItemIn(_Strict):
    """One item of the order, by `code` (every line with that code, in turn) or by its
    `id`: exactly one of the two. No `quantity`: all of it not shipped yet."""

    code: Annotated[Str, fits("order_items", "code", min_length=1)] | None = None
    id: RecordId | None = None
    quantity: Quantity | None = None

    @model_validator(mode="after")
    def _one_name(self) -> SplitItemIn:
        if (self.code is None) == (self.id is None):
            raise ValueError("give exactly one of code and id")
        return self


class SplitOrderIn(_Strict):
    items: list[SplitItemIn] = Field(min_length=1, max_length=MAX_SPLIT_PARTS)
    folder_name: Annotated[Str, fits("folders", "name", min_length=1)] | None = None
