"""``LinkTable``'s person-id array: viewed from Arrow's buffer when every id has one
length, converted through Python otherwise — the same array either way."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from vetline.resolve.links import _id_bytes


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["P000005F65B72", "PE261C717B418"], ["P3CEFEE1ADA82", "P000005F65B72"]),  # one length
        (["P1", "P22"], ["P333", "P1"]),  # lengths differ
        (["P1", "Q1"], ["R1", "S1"]),
    ],
)
def test_id_bytes_equal_the_python_conversion(left: list[str], right: list[str]) -> None:
    l_arr, r_arr = pa.array(left, pa.string()), pa.array(right, pa.string())
    got = _id_bytes(l_arr, r_arr)
    want = np.array(left + right, dtype=np.bytes_)
    assert got.dtype == want.dtype and got.tolist() == want.tolist()
    # a sliced array (an offset into a shared buffer) reads its own ids
    sliced = _id_bytes(pa.array(["XX", *left], pa.string()).slice(1), r_arr)
    assert sliced.tolist() == want.tolist()
