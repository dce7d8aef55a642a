"""The one state-machine mechanism: table, guards with reasons, compare-and-set on a real
database (SQLite), and the two machines that use it (queries, work items)."""

from __future__ import annotations

from enum import StrEnum

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from vetline.db.work import WORK, WorkState
from vetline.desk.service.lifecycle import LIFECYCLE, QueryState
from vetline.statemachine import IllegalTransition, StateMachine


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    OFF = "off"


class _Base(DeclarativeBase):
    pass


class Lamp(_Base):
    __tablename__ = "lamps"
    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))


def _no_repair(context: object) -> str | None:
    assert isinstance(context, dict)
    return "under repair" if context.get("repair") else None


MACHINE = StateMachine(
    "lamp",
    Light,
    {Light.RED: frozenset({Light.GREEN, Light.OFF}), Light.GREEN: frozenset({Light.RED}),
     Light.OFF: frozenset()},
    guards={(Light.RED, Light.GREEN): (_no_repair,)},
)  # fmt: skip


def test_table_and_guards_explain_refusals() -> None:
    assert MACHINE.check("red", Light.GREEN) is Light.GREEN
    with pytest.raises(IllegalTransition, match="lamp cannot go from off to red"):
        MACHINE.check("off", Light.RED)
    with pytest.raises(IllegalTransition, match="under repair"):
        MACHINE.check("red", Light.GREEN, {"repair": True})
    with pytest.raises(IllegalTransition):
        MACHINE.check("blue", Light.RED)


def test_a_table_must_be_complete_and_guards_on_allowed_moves() -> None:
    with pytest.raises(ValueError, match="no transitions"):
        StateMachine("lamp", Light, {Light.RED: frozenset()})
    with pytest.raises(ValueError, match="forbids"):
        StateMachine(
            "lamp", Light, {s: frozenset() for s in Light}, guards={(Light.RED, Light.OFF): ()}
        )


def test_compare_and_set_lets_one_of_two_racers_win() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Lamp(id="L1", state="red"))
        session.commit()
        # two workers both read "red"; only the first move lands
        assert MACHINE.move(session, Lamp.id, Lamp.state, "L1", "red", Light.GREEN)
        assert not MACHINE.move(session, Lamp.id, Lamp.state, "L1", "red", Light.OFF)
        session.commit()
        assert session.scalar(select(Lamp.state)) == "green"


def test_queries_and_work_items_share_the_mechanism() -> None:
    assert LIFECYCLE.allowed(QueryState.ANSWERED) == frozenset()
    assert WORK.allowed(WorkState.DONE) == frozenset()
    with pytest.raises(IllegalTransition, match="identified user"):
        WORK.check("queued", WorkState.CLAIMED, {"user_id": None})
