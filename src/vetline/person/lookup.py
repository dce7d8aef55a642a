"""From a queried subject to everything the status engine needs: the adapter layer.

Resolution (``vetline.resolve``) says who the subject is; the record store gives that
person's full records; the parents named in ``parent_a_numbers`` are looked up by their
exact A-number (``Resolver.holders``, with the holders' "possible same person" links) so
the engine can follow the derivation path (INA 320), with the persons sharing an exact
identifier with the parent's records (a naturalization record that lost its A-number);
a parent's records are read only towards citizenship. The records of the persons that
MAY be the subject (``Resolution.possible``: "possible same person" links and close
candidates) are loaded too, with their parents, for the engine's safe-direction reading
(``vetline.status.possible``); the ids read are carried in the draft and the audit event
like the matched person's. Everything here reads, nothing writes; the service and the
analyst queue share it, and so will the vetting centre and batch vetting.

Edit here: which records are read for a subject (parents, possibly-same persons and their
caps ``MAX_PARENTS`` / ``MAX_POSSIBLE``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from vetline.errors import BadInput
from vetline.person.corroboration import Tie, same_person
from vetline.status import MatchLevel, PersonHistory

if TYPE_CHECKING:
    from vetline.resolve import Resolution, Subject

#: Parents followed per person (a status row rarely names more than two).
MAX_PARENTS = 4
#: Possibly-same persons read per query. More than this and the rest are named unread,
#: which sends the query to an analyst (``answers.decide``): a citizenship sign may be
#: among them.
MAX_POSSIBLE = 5
#: Persons one identifier value may name and still say "this may be the parent"
#: (``PersonLookup._sharing_an_identifier``); more is a shared or placeholder number.
MAX_HOLDERS = 3


#: What ``PersonLookup.read`` gives: store rows and their typed history.
_Read = tuple[list[dict[str, object]], PersonHistory]


class RecordSource(Protocol):
    """What the person core needs of the records (``RecordStore`` or ``MemoryRecords``)."""

    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]: ...


class ResolverLike(Protocol):
    """What the person core needs of identity resolution (``vetline.resolve.Resolver``)."""

    def resolve(self, subject: Subject | Mapping[str, Any]) -> Resolution: ...


@dataclass(frozen=True)
class Found:
    """A resolution, the matched person's store rows, their history, and parents' histories."""

    resolution: Resolution
    rows: list[dict[str, object]]
    history: PersonHistory
    related: dict[str, PersonHistory] = field(default_factory=dict)
    #: Histories of the persons that may be the subject (``Resolution.possible``).
    possible: dict[str, PersonHistory] = field(default_factory=dict)
    #: Their records' keys, for the draft and the audit trail.
    possible_records: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: Possible persons whose records could not be read (over the cap, or no index).
    possible_unread: tuple[str, ...] = ()
    #: Possibly-same persons whose records are read as this person's (``rows`` and
    #: ``history`` hold them; ``possible`` does not), and why (``corroboration``).
    same_person: dict[str, Tie] = field(default_factory=dict)


class PersonLookup:
    """Resolver + record store; thread-safe for the API's worker threads."""

    def __init__(self, resolver: ResolverLike, store: RecordSource, *, memo: int = 0) -> None:
        self.resolver = resolver
        self.store = store
        self._lock = threading.Lock()
        #: Record keys → (store rows, typed history), kept for up to ``memo`` record sets.
        #: The memos are ``OrderedDict``s: forgetting the oldest is O(1) there, while a
        #: ``dict``'s ``pop(next(iter(d)))`` walks the holes earlier pops left at its
        #: front (~0.2 ms a pop at 50,000 entries: every row of a long job pays it).
        self._memo: OrderedDict[tuple[tuple[str, str], ...], _Read] = OrderedDict()
        self._memo_size = memo
        #: A parent's A-number → its record keys (``_parent_keys``), with the memo only.
        self._parent_memo: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        #: A person's record keys (``keys_of``), with the memo only.
        self._keys_memo: OrderedDict[str, tuple[tuple[str, str], ...]] = OrderedDict()

    @classmethod
    def open(cls, data_dir: Path, *, warm: bool = True, memo: int = 0) -> PersonLookup:
        """Load the resolver and the records of a built data folder (``BadInput`` if not).

        ``warm=False`` skips the warm-up query: a one-shot command (``vetline query``)
        pays the first-call costs in its own first query anyway. ``memo > 0`` keeps the
        typed histories of up to that many record sets (``read``): for a batch job,
        whose records do not change while it runs, never for a server, whose live
        index ``vetline update`` grows."""
        from vetline.person.records import MemoryRecords
        from vetline.resolve import Resolver

        lookup = cls(Resolver.load(data_dir), MemoryRecords.load(data_dir), memo=memo)
        if warm:
            lookup.warm_up()
        return lookup

    def known_given_name(self) -> str | None:
        """A given name whose name-library symbols are already known (from the index).

        Warm-up queries use it: a made-up name would load the name library's data
        (rigour's tagger, 8-15 s and the GIL held throughout) just to warm up, a cost
        only a query with a given name never seen at build time needs to pay.
        """
        index = getattr(self.resolver, "index", None)
        return next(iter(getattr(index, "symbols", None) or {}), None)

    def warm_up(self) -> None:
        """Pay the first-call costs (lazy loads, compiled kernels) before the first query."""
        from vetline.resolve import Subject

        first = self.known_given_name()
        self._resolve(Subject(last_name="WARMUP", first_name=first, dob="1980-01-01"))

    def _resolve(self, subject: Subject) -> Resolution:
        with self._lock:  # the live index may be grown by add_records: read under the lock
            return self.resolver.resolve(subject)

    def find(self, subject: Subject) -> Found:
        """Resolve ``subject`` and load the matched person's records (none for NO_RECORD),
        and those of the persons that may be the subject."""
        resolution = self._resolve(subject)
        keys = resolution.records if resolution.level is not MatchLevel.NO_RECORD else []
        return self._found(resolution, keys)

    def person(self, person_id: str, resolution: Resolution) -> Found:
        """Load the records of ``person_id`` (an analyst's choice among the candidates)."""
        keys = self.keys_of(person_id)
        if keys is None:
            raise LookupError("this resolver cannot list a person's records")
        if not keys:
            raise LookupError(f"no person {person_id}")
        return self._found(resolution, keys, exclude=person_id)

    def no_record(self, resolution: Resolution) -> Found:
        """No person (an analyst's "no record"): the possibly-same persons are still read,
        since a citizenship sign among them still routes to citizenship review."""
        return self._found(resolution, [])

    def keys_of(self, person_id: str) -> list[tuple[str, str]] | None:
        """The record keys of one person (None: this resolver cannot list them).

        Remembered per person when the memo is on (a batch job: its index is fixed while
        it runs; the same possibly-same persons and parents' holders come back row after
        row); a server, whose live index grows, looks each time."""
        if self._memo_size > 0:
            kept = self._keys_memo.get(person_id)
            if kept is not None:
                return list(kept)
        index = getattr(self.resolver, "index", None)
        if index is None:
            return None
        with self._lock:  # the live index may be grown by add_records
            rows = index.rows_of_person(person_id)
            uids = index.coded["unique_id"].values(rows)
        keys = [str(u).split("|", 1) for u in uids]
        found = [(k[0], k[1]) for k in keys if len(k) == 2]
        if self._memo_size > 0:
            if len(self._keys_memo) >= self._memo_size:
                self._keys_memo.popitem(last=False)  # the oldest
            self._keys_memo[person_id] = tuple(found)
        return found

    def read(
        self, keys: Sequence[tuple[str, str]]
    ) -> tuple[list[dict[str, object]], PersonHistory]:
        """The store rows of ``keys`` and their typed history (remembered when memo is on).

        Why a memo: in a batch job many rows reach the same person, the same parents and
        the same possibly-same persons; fetching and typing their records again gives the
        very same frozen history. The rows are shared between outcomes: read-only."""
        if self._memo_size <= 0:
            rows = self.store.fetch(keys)
            return rows, PersonHistory.from_rows(rows)
        key = tuple(keys)
        kept = self._memo.get(key)
        if kept is None:
            rows = self.store.fetch(key)
            kept = (rows, PersonHistory.from_rows(rows))
            if len(self._memo) >= self._memo_size:
                self._memo.popitem(last=False)  # the oldest: insertion order
            self._memo[key] = kept
        return kept

    def _found(
        self,
        resolution: Resolution,
        keys: Sequence[tuple[str, str]],
        *,
        exclude: str | None = None,
    ) -> Found:
        rows, history = self.read(keys) if keys else ([], PersonHistory.from_rows([]))
        related = self._parents(history)
        matched = exclude or (
            resolution.person_id if resolution.level is not MatchLevel.NO_RECORD else None
        )
        wanted = [p for p in dict.fromkeys(resolution.possible) if p != matched]
        possible: dict[str, PersonHistory] = {}
        possible_rows: dict[str, list[dict[str, object]]] = {}
        records: dict[str, list[tuple[str, str]]] = {}
        unread: list[str] = []
        for pid in wanted:
            their = self.keys_of(pid) if len(possible) < MAX_POSSIBLE else None
            if not their:
                unread.append(pid)
                continue
            possible_rows[pid], possible[pid] = self.read(their)
            records[pid] = their
            for a_number, parent in self._parents(possible[pid]).items():
                related.setdefault(a_number, parent)
        # the build's links are the resolved person's: an analyst's other choice has none here
        links = getattr(resolution, "links", []) if matched == resolution.person_id else []
        ties = same_person(rows, possible_rows, links) if matched else {}
        if ties:  # records tied to this person by an event or the FIN: this person's
            rows = [*rows, *(r for p in ties for r in possible_rows[p])]
            # their typed records as read (each history types its rows in order): the
            # history ``from_rows(rows)`` gives, without typing the rows a second time
            history = PersonHistory.from_records(
                [*history.records, *(r for p in ties for r in possible[p].records)]
            )
            possible = {p: h for p, h in possible.items() if p not in ties}
        return Found(resolution, rows, history, related, possible, records, tuple(unread), ties)

    def prefetch(self, resolutions: Iterable[Resolution]) -> None:
        """Look up together the parents a batch chunk's answers will follow (memo on only).

        Why: a parent found one by one walks the index's blocks once for its A-number and
        once more for its records' identifiers (``_parent_keys``): a parent costs about as
        much as a row's whole status assessment, ~8 % of a batch row's CPU. A chunk's
        resolutions are known before its rows are answered (``batch.presolve``), so their
        persons' records and their parents' A-numbers are too: every new A-number's
        holders, and then every identifier of their records, are looked up in one
        vectorised call each (``holders_many``), and each parent's keys are remembered as
        ``_remembered_parent_keys`` would have found them, for the rows to take. The keys
        are the same (``holders_many`` gives ``holders``' persons, value by value); only
        when they are computed moves. A record set that cannot be typed is left to the
        row, which fails on it as before."""
        many = getattr(self.resolver, "holders_many", None)
        if self._memo_size <= 0 or many is None or getattr(self.resolver, "holders", None) is None:
            return
        wanted: dict[str, None] = {}
        for resolution in resolutions:
            matched = resolution.person_id if resolution.level is not MatchLevel.NO_RECORD else None
            sets = [list(resolution.records)] if matched is not None else []
            others = [p for p in dict.fromkeys(resolution.possible) if p != matched]
            sets += [k for p in others[:MAX_POSSIBLE] if (k := self.keys_of(p))]
            for keys in sets:
                try:
                    history = self.read(keys)[1]
                except BadInput:
                    continue
                for a_number in _parent_a_numbers(history):
                    if a_number not in self._parent_memo:
                        wanted[a_number] = None
        try:
            found = self._parent_keys_many(list(wanted), many) if wanted else []
        except BadInput:
            return  # a parent's record that cannot be typed: its row meets it as before
        for a_number, keys in zip(wanted, found, strict=True):
            self._remember_parent(a_number, keys)

    def _parents(self, history: PersonHistory) -> dict[str, PersonHistory]:
        related: dict[str, PersonHistory] = {}
        for a_number in _parent_a_numbers(history):
            keys = self._remembered_parent_keys(a_number)
            if keys:
                related[a_number] = self.read(keys)[1]
        return related

    def _remembered_parent_keys(self, a_number: str) -> list[tuple[str, str]]:
        """``_parent_keys``, remembered per A-number when the memo is on (a batch job).

        Why: finding a parent walks every holder of the A-number, their links and the
        persons sharing an identifier with their records (``holders`` per value): about
        3.5 ms, a twentieth of a batch row's CPU for the rows that name a parent, while
        a job's index never changes, so a parent named again gets the very same keys.
        A server (memo off, a live index ``vetline update`` grows) asks every time."""
        if self._memo_size <= 0:
            return self._parent_keys(a_number)
        keys = self._parent_memo.get(a_number)
        if keys is None:
            keys = self._parent_keys(a_number)
            self._remember_parent(a_number, keys)
        return keys

    def _remember_parent(self, a_number: str, keys: list[tuple[str, str]]) -> None:
        if len(self._parent_memo) >= self._memo_size:
            self._parent_memo.popitem(last=False)  # the oldest
        self._parent_memo[a_number] = keys

    def _parent_keys(self, a_number: str) -> list[tuple[str, str]]:
        """The records of the parent a status row names by A-number.

        Every person holding that exact A-number, and their "possible same person" links:
        a parent's records are read only towards citizenship (a naturalization before the
        child's 18th birthday, INA 320), and a parent found with fewer records than they
        have would drop the "parents not checked" sign on an unchecked naturalization —
        the Watson case (reference §6.2: the wrong file pulled for his father). Resolving
        the bare A-number as a subject never reached POSITIVE (the model's prior), so
        until issue 11's last round no parent was ever found and every derived citizen
        read as LPR. A resolver without ``holders`` (a test double) falls back to that
        resolution, POSITIVE only.
        """
        from vetline.resolve import Subject

        holders = getattr(self.resolver, "holders", None)
        if holders is None:
            parent = self._resolve(Subject(a_number=a_number))
            if parent.level is not MatchLevel.POSITIVE:
                return []
            return list(parent.records)
        with self._lock:
            persons = self._with_links(holders("a_number", a_number))
        keys = self._keys_of_persons(persons)
        wanted = self._identifier_values(keys)
        many = getattr(self.resolver, "holders_many", None)  # a batch job's: all at once
        with self._lock:
            if not wanted:
                held = []
            elif many is not None:
                held = many(wanted)
            else:
                held = [holders(c, v) for c, v in wanted]
        keys += self._sharing_an_identifier(held, set(persons))
        return list(dict.fromkeys(keys))

    def _parent_keys_many(self, a_numbers: Sequence[str], many: Any) -> list[list[tuple[str, str]]]:
        """``[_parent_keys(a) for a in a_numbers]`` with the index's blocks walked twice in
        all (``many``: the resolver's ``holders_many``), not twice per parent: the same
        steps, each parent's values cut out of the two calls' answers in order."""
        with self._lock:
            persons = [self._with_links(h) for h in many([("a_number", a) for a in a_numbers])]
        keys = [self._keys_of_persons(p) for p in persons]
        wanted = [self._identifier_values(k) for k in keys]
        with self._lock:
            held = many([w for values in wanted for w in values])
        out: list[list[tuple[str, str]]] = []
        start = 0
        for their, mine, values in zip(persons, keys, wanted, strict=True):
            shared = self._sharing_an_identifier(held[start : start + len(values)], set(their))
            out.append(list(dict.fromkeys(mine + shared)))
            start += len(values)
        return out

    def _with_links(self, holders: Sequence[str]) -> list[str]:
        """Holders of a parent's A-number and their "possible same person" links."""
        linked = getattr(self.resolver, "linked", None)
        persons = list(holders)
        for pid in list(persons):
            persons += linked(pid) if linked is not None else []
        return persons

    def _keys_of_persons(self, persons: Sequence[str]) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        for pid in dict.fromkeys(persons):
            keys += self.keys_of(pid) or []
        return keys

    def _identifier_values(self, keys: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Every exact identifier a parent's records carry, as ``(column, value)``."""
        if not keys:
            return []
        from vetline.resolve.resolver import IDENTIFIER_COLUMNS

        rows, _ = self.read(list(dict.fromkeys(keys)))
        return [
            (column, value)
            for column in IDENTIFIER_COLUMNS
            for value in {str(r[column]) for r in rows if r.get(column)}
        ]

    def _sharing_an_identifier(
        self, held: Sequence[Sequence[str]], known: set[str]
    ) -> list[tuple[str, str]]:
        """The records of persons holding an exact identifier of the parent's records
        (``held``: the holders of each of them, ``_identifier_values``).

        Why one hop further: the 1M-record world's one U.S. citizen among a million-row
        batch's lead candidates (issue 16, bench/README.md) was a derived citizen whose
        mother's naturalization record had lost its A-number and date of birth; it shared
        her passport number, but scored just under the join threshold, so it was neither
        in her person nor linked to it, and the child read as a removable LPR. A record
        carrying the parent's own passport (or SSN, FIN…) *may* be the parent, and a
        parent's records count only towards citizenship (principle 2). A value held by
        more than ``MAX_HOLDERS`` persons is a shared or placeholder number: skipped.
        """
        found: list[str] = []
        for persons in held:
            if len(persons) <= MAX_HOLDERS:
                found += [p for p in persons if p not in known]
        out: list[tuple[str, str]] = []
        for pid in dict.fromkeys(found):
            out += self.keys_of(pid) or []
        return out


def _parent_a_numbers(history: PersonHistory) -> list[str]:
    """The parents' A-numbers ``history``'s status rows name (at most ``MAX_PARENTS``)."""
    return list(dict.fromkeys(a for s in history.status for a in s.parent_a_numbers))[:MAX_PARENTS]
