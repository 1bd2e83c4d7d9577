"""The folders a new store starts with, and the print-on-demand status each one stands for.

An order's print-on-demand `status` and its back-office folder are one fact: the folder's
`pod_status`. Canceled stands for no status of its own (a cancelled order keeps the status it
had and is flagged deleted on the print-on-demand side).
"""

from __future__ import annotations

from typing import NamedTuple

from orderhub.domain.errors import InvalidInput


class FolderSpec(NamedTuple):
    name: str
    pod_status: str | None


CANCELED_FOLDER = "Canceled"
SHIPPED_STATUS = "shipped"
RECEIVED_STATUS = "received"

DEFAULT_FOLDERS: tuple[FolderSpec, ...] = (
    FolderSpec("Received", "received"),
    FolderSpec("In Progress", "in progress"),
    FolderSpec("Paid", "paid"),
    FolderSpec("Stock Allocation", "stock allocation"),
    FolderSpec("Printing", "printing"),
    FolderSpec("Quality Control", "quality control"),
    FolderSpec("Shipped", "shipped"),
    FolderSpec("Refunded", "refunded"),
    FolderSpec("Internal Order Query", "internal order query"),
    FolderSpec(CANCELED_FOLDER, None),
)

POD_STATUSES: tuple[str, ...] = tuple(
    spec.pod_status for spec in DEFAULT_FOLDERS if spec.pod_status is not None
)


def unknown_folder(folder_id: int) -> InvalidInput:
    """The refusal of an order sent to a folder its store does not have (API and import)."""
    return InvalidInput(f"folder_id: folder {folder_id} does not exist in this store")


def protected_reason(folder: object, *, renaming: bool = False) -> str:
    """Why the desk must not delete (or, `renaming`, rename) this folder; "" when it may.
    `folder` has `name` and `pod_status`."""
    name, status = getattr(folder, "name", ""), getattr(folder, "pod_status", None)
    if status is not None and not renaming:
        return (
            f"{name} stands for the print-on-demand status {status!r}: the print-on-demand "
            "API puts orders there and reports it, so it cannot be deleted"
        )
    if name == CANCELED_FOLDER and status is None:
        return (
            f"{name} is where cancelled orders go (the print-on-demand API's delete), so it "
            "cannot be " + ("renamed" if renaming else "deleted")
        )
    return ""
