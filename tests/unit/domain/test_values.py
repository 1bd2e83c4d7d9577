"""The shared primitives every door validates with (domain/values.py): ids, whole numbers
and free-form JSON."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.domain import limits, values


@pytest.mark.parametrize("text", ["²", "١", "１", "1²", "", " ", "-1", "0", str(2**63), "1" * 30])
def test_parse_id_takes_only_ascii_ids_in_range(text: str) -> None:
    assert values.parse_id(text) is None


def test_parse_id_and_whole_number() -> None:
    assert values.parse_id(" 42 ") == 42 and values.parse_id(str(2**63 - 1)) == 2**63 - 1
    assert values.whole_number("-7") == -7 and values.whole_number(3.0) == 3
    for bad in ("١", "²", "3.5", 3.5, True, None, [1], "1e3", "9" * 21):
        assert values.whole_number(bad) is None, bad
    assert values.whole_between(5, 1, 4) is None and values.whole_between("4", 1, 4) == 4
    assert values.clamped_count("9" * 40, 500) == 500 and values.clamped_count("0", 500) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"a": "x\x00"}, "NUL"),
        ({"a\x00": 1}, "NUL"),
        ({"a": 2**64}, "64 bits"),
        ({"a": -(2**63) - 1}, "64 bits"),
        ({"a": [float("inf")]}, "not finite"),
        ({"a": float("nan")}, "not finite"),
        ({1: "a"}, "keys must be text"),
        ({"a": {1, 2}}, "not JSON"),
    ],
)
def test_json_problem(value: Any, problem: str) -> None:
    found = values.json_problem(value)
    assert found is not None and problem in found


def test_json_problem_depth_and_fine_values() -> None:
    deep: Any = 1
    for _ in range(limits.MAX_JSON_DEPTH):
        deep = [deep]
    assert values.json_problem(deep) is None
    assert "nested deeper" in str(values.json_problem([deep]))
    assert values.json_problem({"a": [2**64 - 1, -(2**63), 1.5, None, True, "é"]}) is None


def test_json_problem_too_deep_wins_else_the_first_problem_met() -> None:
    deep: Any = "\x07"
    for _ in range(limits.MAX_JSON_DEPTH - 1):  # {"b": deep} is as deep as allowed
        deep = {"n": deep}
    # A problem met before the deep branch does not hide the depth.
    assert "nested deeper" in str(values.json_problem({"a": "\x00", "b": [deep], "c": 2**64}))
    assert values.json_problem({"b": deep}) == "contains the control character U+0007"
    # Depth first from the end: the last value is looked at first.
    assert values.json_problem(["\x07", {"k": float("inf")}, "\x00"]) == "contains a NUL character"
    assert values.json_problem([{"k": 2**64}, {1: "x"}]) == "keys must be text"
