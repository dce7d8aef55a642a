"""A batch chunk's parents found together (``PersonLookup.prefetch``): the very record keys
the one-by-one path (``_parent_keys``, the desk's) finds, in the same order."""

from __future__ import annotations

from conftest import BatchWorld
from vetline.batch.presolve import Presolved
from vetline.person import PersonLookup
from vetline.resolve import Subject
from vetline.status import PersonHistory


def _lookups(world: BatchWorld) -> tuple[PersonLookup, PersonLookup]:
    """A batch job's lookup (memo on, chunk resolver) and a server's (memo off)."""
    batch = PersonLookup.open(world.data, warm=False, memo=1_000)
    plain = PersonLookup(batch.resolver, batch.store)
    batch.resolver = Presolved(plain.resolver)  # type: ignore[arg-type]
    return batch, plain


def _named_parents(lookup: PersonLookup) -> list[str]:
    """Every parent A-number the world's status records name (typed, as ``_parents``)."""
    table = lookup.store.tables["status"]  # type: ignore[attr-defined]
    rows = [{**r, "source": "status"} for r in table.to_pylist()]
    history = PersonHistory.from_rows(rows)
    return list(dict.fromkeys(a for s in history.status for a in s.parent_a_numbers))


def test_parents_found_together_equal_one_by_one(batch_world: BatchWorld) -> None:
    batch, plain = _lookups(batch_world)
    parents = _named_parents(batch)
    assert len(parents) >= 20  # the world names parents
    wanted = [*parents, "000000000", "999999999"]  # and two nobody holds
    one_by_one = [plain._parent_keys(a) for a in wanted]
    together = batch._parent_keys_many(wanted, batch.resolver.holders_many)  # type: ignore[attr-defined]
    assert together == one_by_one
    assert sum(1 for k in one_by_one if k) >= 20
    assert one_by_one[-2:] == [[], []]


def test_prefetch_remembers_what_rows_would_find(batch_world: BatchWorld) -> None:
    """A chunk's persons' parents, looked up before its rows: each remembered parent's
    keys are the one-by-one keys, and a row's answer finds its parents in the memo."""
    batch, plain = _lookups(batch_world)
    subjects = [
        Subject(last_name=f["true_last_name"], first_name=f["true_first_name"],
                dob=f["true_dob"], a_number=f["a_number"] or None)
        for f in batch_world.facts[:400]
    ]  # fmt: skip
    presolved = batch.resolver
    assert isinstance(presolved, Presolved)
    presolved.presolve(subjects)
    batch.prefetch(presolved.ready())
    assert len(batch._parent_memo) >= 3
    for a_number, keys in batch._parent_memo.items():
        assert keys == plain._parent_keys(a_number)
    for subject in subjects:  # the rows: the same persons and parents as a server finds
        mine, theirs = batch.find(subject), plain.find(subject)
        assert mine.related == theirs.related
        assert mine.history == theirs.history
