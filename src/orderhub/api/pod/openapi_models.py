"""Schemas of the print-on-demand bodies, for the OpenAPI document only: the routes parse and
write these shapes by hand (protocol/pod/orders.py), so that errors keep the protocol's shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from orderhub.domain.pod import DEFAULT_SHIPPING_METHODS, STATUSES

Five = Annotated[str, Field(pattern=r"^-?\d+\.\d{5}$", examples=["20.00000"])]
IsoTime = Annotated[str, Field(examples=["2026-11-25T10:15:00+00:00"])]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- request ------------------------------------------------------------------------------


Required = Annotated[str, Field(min_length=1)]


class PodAddressIn(_Lenient):
    firstName: Required
    lastName: Required
    company: str | None = None
    address1: Required
    address2: str | None = None
    city: Required
    county: str | None = None
    postcode: Required
    country: Required = Field(examples=["United Kingdom"])
    phone1: str | None = None
    phone2: str | None = None
    phone3: str | None = None
    vatNumber: str | None = None


class PodBillingAddressIn(_Lenient):
    """Same keys as the shipping address, none required; defaults to the shipping address."""

    firstName: str | None = None
    lastName: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    county: str | None = None
    postcode: str | None = None
    country: str | None = None
    phone1: str | None = None


class PodShippingIn(_Lenient):
    shippingMethod: str = Field(
        min_length=1,
        max_length=100,
        description="Any text by default, stored as sent; the short codes "
        + ", ".join(DEFAULT_SHIPPING_METHODS)
        + " are matched in any case. A store with the setting pod_shipping_methods accepts "
        "only those (docs/pod.md)",
        examples=list(DEFAULT_SHIPPING_METHODS),
    )


Placements = Annotated[
    dict[str, str] | list[dict[str, str]],
    Field(
        description='{"front": "https://…/a.png"} or [{"title": "front", "src": "https://…"}]; '
        "placements are a store setting (pod_design_placements)",
        examples=[{"front": "https://example.com/a.png"}],
    ),
]


class PodItemIn(_Lenient):
    model_config = ConfigDict(extra="allow", json_schema_extra={"xml": {"name": "item"}})

    pn: str = Field(
        min_length=1,
        max_length=100,
        description="Product number (the item's code)",
        examples=["JH001"],
    )
    quantity: int | str = Field(description="A whole number of at least 1", examples=[4])
    retailPrice: float | str | None = None
    title: str | None = None
    description: str | None = None
    brandName: str | None = None
    label: dict[str, Any] | None = None
    designs: Placements
    mockups: Placements | None = None


class PodOrderIn(_Lenient):
    """An order to create; unknown keys are ignored. XML bodies mirror this shape
    (`<order><shipping_address>…</shipping_address><items><item>…</item></items></order>`)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"xml": {"name": "order"}})

    external_id: str | None = Field(default=None, description="Unique per store (docs/pod.md)")
    brandName: str | None = None
    comment: str | None = None
    packing_slip: str | None = None
    buyer_email: str | None = None
    shipping_address: PodAddressIn
    billing_address: PodBillingAddressIn | None = None
    shipping: PodShippingIn
    items: list[PodItemIn] = Field(min_length=1, json_schema_extra={"xml": {"wrapped": True}})


# --- responses ----------------------------------------------------------------------------


class PodAddressOut(_Strict):
    firstName: str
    lastName: str
    company: str
    address1: str
    address2: str
    city: str
    county: str
    postcode: str
    country: str
    phone1: str
    phone2: str
    phone3: str
    vatNumber: str


class PodPlacementOut(_Strict):
    title: str
    src: str


class PodItemOut(_Strict):
    id: Annotated[str, Field(pattern=r"^\d+$")]
    pn: str
    title: str
    quantity: Annotated[str, Field(pattern=r"^\d+$", examples=["4"])]
    retailPrice: Five
    description: str = Field(description="Print instructions, wrapped in the original's HTML")
    label: dict[str, str] | None
    designs: list[PodPlacementOut]
    mockups: list[PodPlacementOut]


class PodSummaryOut(_Strict):
    quantity: int
    retailTotal: Five
    shippingPrice: Five


class PodShippingOut(_Strict):
    shippingMethod: str
    trackingNumber: str | None
    shipped_at: IsoTime | None
    shiped_at: IsoTime | None = Field(description="The original's misspelt twin of shipped_at")


class PodOrderOut(_Strict):
    id: Annotated[str, Field(pattern=r"^\d+$")]
    external_id: str | None
    created_at: IsoTime
    type: Literal["order"]
    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    deleted: Literal["true", "false"]
    brand: str
    billing_address: PodAddressOut
    shipping_address: PodAddressOut
    items: list[PodItemOut]
    summary: PodSummaryOut
    shipping: PodShippingOut
    comment: str
    packing_slip: str


class PodOrderResponse(_Strict):
    order: PodOrderOut


class PodListEntry(_Strict):
    order: PodOrderOut


class PodOrderListResponse(_Strict):
    orders: list[PodListEntry]


class PodCountResponse(_Strict):
    count: int


class PodError(_Strict):
    """Every print-on-demand error, sent with HTTP 200 as the original does."""

    error: str
