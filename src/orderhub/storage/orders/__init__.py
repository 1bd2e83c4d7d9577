"""Orders, items and history in SQL: rows (the field lists), search, load, write, items."""

from orderhub.storage.orders.items import add_item, delete_item, update_item
from orderhub.storage.orders.load import (
    email_count,
    find_by_source,
    get_item,
    get_items,
    get_order,
    load_orders,
    order_exists,
)
from orderhub.storage.orders.rows import item_row_values, order_row_values
from orderhub.storage.orders.search import (
    SORT_COLUMNS,
    count_orders,
    order_ids_with_code,
    search_order_ids,
)
from orderhub.storage.orders.write import (
    ForeignItem,
    HistoryNote,
    delete_order,
    insert_order,
    lock_order,
    mark_cancelled,
    record_history,
    record_notes,
    replace_order,
    set_folder,
    touch,
    update_fields,
)

__all__ = [
    "SORT_COLUMNS",
    "HistoryNote",
    "add_item",
    "count_orders",
    "delete_item",
    "delete_order",
    "email_count",
    "find_by_source",
    "get_item",
    "get_items",
    "get_order",
    "ForeignItem",
    "insert_order",
    "item_row_values",
    "load_orders",
    "lock_order",
    "mark_cancelled",
    "order_ids_with_code",
    "order_exists",
    "order_row_values",
    "record_history",
    "record_notes",
    "replace_order",
    "search_order_ids",
    "set_folder",
    "touch",
    "update_fields",
    "update_item",
]
