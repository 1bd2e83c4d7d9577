"""Request bodies of the Order Desk API: validation into values the storage can hold on
both databases, and conversion to domain objects. One module per resource; the annotated
field types and the error report are in `common`."""

from orderhub.protocol.orderdesk.models.common import (
    MAX_TEXT,
    Lenient,
    Map,
    Money,
    OptionalId,
    Quantity,
    RecordId,
    Stock,
    Text,
    describe_errors,
    parse_body,
)
from orderhub.protocol.orderdesk.models.folders import FolderIn, MoveOrdersIn
from orderhub.protocol.orderdesk.models.inventory import InventoryItemIn
from orderhub.protocol.orderdesk.models.orders import (
    AddressIn,
    DiscountIn,
    HistoryNoteIn,
    ItemIn,
    ItemPatch,
    NoteIn,
    OrderIn,
)
from orderhub.protocol.orderdesk.models.shipments import BatchShipmentIn, ShipmentIn, ShipmentLineIn
from orderhub.protocol.orderdesk.models.splits import SplitItemIn, SplitOrderIn

__all__ = [
    "MAX_TEXT",
    "AddressIn",
    "BatchShipmentIn",
    "DiscountIn",
    "FolderIn",
    "HistoryNoteIn",
    "InventoryItemIn",
    "ItemIn",
    "ItemPatch",
    "Lenient",
    "Map",
    "Money",
    "MoveOrdersIn",
    "NoteIn",
    "OptionalId",
    "OrderIn",
    "Quantity",
    "RecordId",
    "ShipmentIn",
    "ShipmentLineIn",
    "SplitItemIn",
    "SplitOrderIn",
    "Stock",
    "Text",
    "describe_errors",
    "parse_body",
]
