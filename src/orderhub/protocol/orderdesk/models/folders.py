"""Folder bodies: moving orders between folders, and the folder extension."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from orderhub.protocol.orderdesk.models.common import (
    Lenient,
    OptionalId,
    RecordId,
    Str,
    fits,
    optional_fits,
)


class MoveOrdersIn(Lenient):
    order_id_list: list[RecordId] = Field(min_length=1, max_length=500)
    destination_folder_id: OptionalId = None
    destination_folder_name: Annotated[Str, fits("folders", "name")] = ""


class FolderIn(Lenient):
    name: Annotated[Str, fits("folders", "name", min_length=1)]
    pod_status: Annotated[
        str | None, optional_fits("folders", "pod_status", blank_is_null=True)
    ] = None
