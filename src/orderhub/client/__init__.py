"""Python clients for both protocols orderhub speaks (and the hosted originals).

from orderhub.client import OrderDeskClient
with OrderDeskClient("http://127.0.0.1:8000/api/v2", store_id=1, api_key="...") as od:
    order = od.create_order({...})
    for o in od.iter_orders(folder_id=1):
        ...
"""

from orderhub.client.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OrderhubClientError,
    RateLimitError,
    ServerError,
    TransportError,
    ValidationError,
)
from orderhub.client.orderdesk import AsyncOrderDeskClient, OrderDeskClient
from orderhub.client.pod import AsyncPrintOnDemandClient, PrintOnDemandClient
from orderhub.client.retry import RetryPolicy

__all__ = [
    "AsyncOrderDeskClient",
    "AsyncPrintOnDemandClient",
    "AuthenticationError",
    "ConflictError",
    "NotFoundError",
    "OrderDeskClient",
    "OrderhubClientError",
    "PrintOnDemandClient",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "ValidationError",
]
