"""Comma-separated ids as the API, the CLI and the desk read them."""

from __future__ import annotations

import pytest

from orderhub.domain.errors import InvalidInput
from orderhub.protocol.orderdesk.id_list import parse_id_list


def test_ids_are_read_in_order_with_blanks_ignored() -> None:
    assert parse_id_list(" 3, 1,,2 ", "order_id_list") == [3, 1, 2]


@pytest.mark.parametrize("raw", ["", " , ", "1,a", "0", "-1", str(2**63), "１"])
def test_anything_but_ids_is_refused_with_the_name(raw: str) -> None:
    with pytest.raises(InvalidInput, match="^folder_id: must be an id"):
        parse_id_list(raw, "folder_id")
