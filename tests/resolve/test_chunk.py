"""Chunk resolution (``resolve.chunk``): the very answers of ``Resolver.resolve``.

A batch chunk's candidate pairs are scored in one NumPy pass; each subject's resolution
must equal the one-subject path's field for field (floats bit for bit: ``==`` on the
dataclass), for full, partial, mistyped, identifier-only and unknown subjects alike.
"""

from __future__ import annotations

import random

import pytest

from conftest import BuiltWorld
from vetline.errors import BadInput
from vetline.resolve import Resolver, Subject
from vetline.resolve.chunk import resolve_chunk

_FIELDS = ("last_name", "first_name", "dob", "sex", "a_number", "birth_country", "fin")


def _variant(person: dict[str, str], rng: random.Random) -> Subject:
    fields = {k: person[k] for k in _FIELDS if person.get(k) and rng.random() < 0.75}
    if rng.random() < 0.3 and fields.get("last_name"):
        name = fields["last_name"]
        fields["last_name"] = name[1:2] + name[0:1] + name[2:]  # a transposition
    if rng.random() < 0.1:
        fields["dob"] = "1970-01-01"
    if not fields.get("last_name") and not fields.get("a_number") and not fields.get("fin"):
        fields["last_name"] = person["last_name"]
    return Subject(**fields)


@pytest.fixture(scope="module")
def resolver(built_world: BuiltWorld) -> Resolver:
    return Resolver.load(built_world.data)


def test_chunk_resolutions_equal_one_by_one(built_world: BuiltWorld, resolver: Resolver) -> None:
    rng = random.Random(11)
    subjects = [_variant(p, rng) for p in built_world.people[:250]]
    subjects += [
        Subject(last_name="QWERTYUIOP", first_name="ZXCV", dob="1901-02-03"),  # nobody
        Subject(a_number=built_world.people[3]["a_number"] or "012345678"),
    ]
    chunked = resolve_chunk(resolver, subjects)
    one_by_one = [resolver.resolve(s) for s in subjects]
    assert len(chunked) == len(subjects)
    for mine, theirs in zip(chunked, one_by_one, strict=True):
        assert mine == theirs
    levels = {r.level for r in one_by_one}
    assert len(levels) >= 3  # the draw reaches several levels, NO_RECORD among them


def test_chunk_of_nothing_and_of_unknowns(resolver: Resolver) -> None:
    assert resolve_chunk(resolver, []) == []
    strangers = [Subject(last_name="QWERTYUIOP", first_name="ZXCV", dob="1901-02-03")] * 3
    assert resolve_chunk(resolver, strangers) == [resolver.resolve(s) for s in strangers]


def test_a_bad_subject_fails_as_resolve_fails(resolver: Resolver) -> None:
    with pytest.raises(BadInput):
        resolve_chunk(resolver, [Subject()])


def test_chunk_candidates_equal_one_by_one(built_world: BuiltWorld, resolver: Resolver) -> None:
    from vetline.resolve.chunk import candidates_many
    from vetline.resolve.standardise import standardise_one

    rng = random.Random(12)
    rows = [standardise_one(_variant(p, rng).as_row()) for p in built_world.people[:200]]
    index = resolver.index
    for limit in (2, 5_000):  # a small cap drops big blocks: the same ones
        many = candidates_many(index, rows, limit)
        for row, got in zip(rows, many, strict=True):
            want = index.candidates(row, limit)
            assert got.dtype == want.dtype
            assert got.tolist() == want.tolist()


def test_holders_many_equals_holders_one_by_one(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    """A parent's identifiers looked up together (batch): the persons ``holders`` gives
    for each, in its order; an unusable value holds nobody."""
    from vetline.resolve.chunk import holders_many

    wanted = [
        (column, p[column])
        for p in built_world.people[:120]
        for column in ("a_number", "fin", "ssn", "passport_number")
        if p.get(column)
    ]
    wanted += [("a_number", "A000-000-000"), ("fin", "NOT-A-FIN"), ("ssn", "")]
    one_by_one = [resolver.holders(c, v) for c, v in wanted]
    assert holders_many(resolver, wanted) == one_by_one
    assert sum(1 for h in one_by_one if h) >= 50  # most values name their holders
    assert holders_many(resolver, []) == []
