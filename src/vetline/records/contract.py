"""The source-extract contract (``shared/spec/data-contract.md``) as data.

Everything that reads or writes an extract — the loader, the synthetic world, tests —
takes column names and allowed values from here, so the contract lives in one place.
Extending the contract means adding an optional column here *and* documenting it in the
project README; never rename or remove.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: Identity columns every source file may carry, in contract order.
IDENTITY_COLUMNS: Final[tuple[str, ...]] = (
    "record_id",
    "last_name",
    "first_name",
    "middle_name",
    "aliases",
    "dob",
    "sex",
    "birth_country",
    "citizenship",
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "passport_number",
    "passport_country",
    "sid",
    "address",
    "city",
    "state",
    "zip",
    "county_fips",
    "record_date",
)

#: Identifier columns: a record needs a name or at least one of these.
IDENTIFIER_COLUMNS: Final[tuple[str, ...]] = (
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "passport_number",
    "sid",
)

SEX_VALUES: Final[frozenset[str]] = frozenset({"M", "F", "X"})
YES_NO: Final[frozenset[str]] = frozenset({"Y", "N"})


@dataclass(frozen=True)
class EventColumn:
    """One event column of a source: its name, kind and, for enums, the allowed values."""

    name: str
    kind: str  # "text" | "date" | "enum" | "int" | "yn" | "a_number_list"
    allowed: frozenset[str] = frozenset()
    required: bool = False


def _enum(name: str, *values: str, required: bool = False) -> EventColumn:
    return EventColumn(name, "enum", frozenset(values), required)


STATUS_CLASSES: Final[frozenset[str]] = frozenset(
    {
        "NATURALIZED",
        "CITIZENSHIP_CERTIFICATE",
        "LPR",
        "CONDITIONAL_LPR",
        "NONIMMIGRANT",
        "REFUGEE",
        "ASYLEE",
        "ASYLUM_PENDING",
        "TPS",
        "DACA",
        "PAROLE",
        "U_VISA",
        "T_VISA",
        "VAWA_PENDING",
        "ADJUSTMENT_PENDING",
    }
)

#: Event columns per source file, in contract order. The dict's keys are the source names
#: (and the file stems: ``status.csv``, ``status.parquet`` or ``status.jsonl``).
SOURCES: Final[dict[str, tuple[EventColumn, ...]]] = {
    "status": (
        EventColumn("status_class", "enum", STATUS_CLASSES, required=True),
        EventColumn("visa_class", "text"),
        _enum("status_state", "GRANTED", "PENDING", "DENIED", "TERMINATED", "EXPIRED", "REVOKED"),
        EventColumn("start_date", "date"),
        EventColumn("end_date", "date"),
        EventColumn("case_number", "text"),
        EventColumn("parent_a_numbers", "a_number_list"),
        EventColumn("us_citizen_parent_claimed", "yn"),
    ),
    "entry_exit": (
        _enum("event", "ARRIVAL", "DEPARTURE", required=True),
        EventColumn("event_date", "date"),
        EventColumn("port", "text"),
        EventColumn("admission_class", "text"),
        EventColumn("admit_until", "date"),
    ),
    "encounters": (
        EventColumn("encounter_date", "date"),
        _enum(
            "encounter_type",
            "BORDER_APPREHENSION",
            "INADMISSIBLE_AT_PORT",
            "INTERIOR_ARREST",
            "JAIL_SCREENING",
        ),
        _enum("outcome", "REMOVED", "VOLUNTARY_RETURN", "NTA_ISSUED", "RELEASED", "DETAINED"),
        EventColumn("outcome_date", "date"),
    ),
    "court": (
        EventColumn("proceeding_date", "date"),
        _enum(
            "decision",
            "PENDING",
            "REMOVAL_ORDER",
            "REMOVAL_ORDER_IN_ABSENTIA",
            "VOLUNTARY_DEPARTURE",
            "RELIEF_GRANTED",
            "TERMINATED",
        ),
        EventColumn("decision_date", "date"),
        EventColumn("appeal_pending", "yn"),
    ),
    "criminal": (
        EventColumn("arrest_date", "date"),
        EventColumn("arresting_ori", "text"),
        EventColumn("charge_code", "text"),
        EventColumn("charge_text", "text"),
        _enum("offense_level", "FELONY", "MISDEMEANOR"),
        _enum("disposition", "PENDING", "CONVICTED", "DISMISSED", "ACQUITTED"),
        EventColumn("disposition_date", "date"),
        EventColumn("sentence_days", "int"),
    ),
    "custody": (
        EventColumn("facility_ori", "text"),
        EventColumn("facility_name", "text"),
        EventColumn("booking_date", "date"),
        EventColumn("release_date", "date"),
        # county_fips is already an identity column; the custody file reuses it.
    ),
    "biometric": (
        EventColumn("enrolled_date", "date"),
        EventColumn("enrolling_ori", "text"),
    ),
    "interpol": (
        _enum("notice_type", "RED", "BLUE", "YELLOW", "DIFFUSION"),
        EventColumn("notice_id", "text"),
        EventColumn("issuing_country", "text"),
        EventColumn("offense", "text"),
        EventColumn("issued_date", "date"),
    ),
    "warrants": (
        _enum("warrant_type", "I200", "I205", "CRIMINAL"),
        EventColumn("nic", "text"),
        EventColumn("issued_date", "date"),
        _enum("warrant_state", "ACTIVE", "CLEARED"),
    ),
}

SOURCE_NAMES: Final[tuple[str, ...]] = tuple(SOURCES)

#: File formats an extract may use, by suffix.
EXTRACT_SUFFIXES: Final[tuple[str, ...]] = (".csv", ".parquet", ".jsonl")


def columns_of(source: str) -> tuple[str, ...]:
    """All contract columns of ``source``: identity columns, then its event columns."""
    return IDENTITY_COLUMNS + tuple(c.name for c in SOURCES[source])


# --- the normalised record store (what ``vetline ingest`` writes) -----------------------
#
# One Parquet base file per source, ``<data>/store/<source>.parquet``, sorted by record_id,
# plus the rows each later ingest added or changed as numbered segments
# (``store/segments/<source>/<n>.parquet``), each written atomically (temp file, fsync,
# rename); a record's newest version wins (``current.py``); replaced versions of a
# record go to ``<data>/history/<source>/<extract_id>.parquet`` and rejected rows to
# ``<data>/rejects/<extract_id>.csv`` (copy at ``rejects/latest.csv``); each run is logged
# in ``store/manifest.jsonl``. Every column is a nullable string except where noted, so the
# store is engine-neutral (DuckDB, Spark, pandas read it alike). Store rows carry:
#
#   source, record_id                    key of the record, forever
#   all contract columns of the source   normalised: names upper-case canonical form,
#                                        a_number 9 digits, ssn 9 digits, dates ISO
#                                        (partial dates stay partial: "1985-03", "1985")
#   last_name_orig, first_name_orig,     the name exactly as the extract gave it
#   middle_name_orig, aliases_orig
#   dob_year, dob_month, dob_day         int16, null when unknown (partial dob)
#   extract_id                           which extract delivered the row (content hash)
#   line                                 int64, the row's line/position in its file
#   content_hash                         hash of the row's contract values (idempotence)
#
STORE_EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    "source",
    "last_name_orig",
    "first_name_orig",
    "middle_name_orig",
    "aliases_orig",
    "dob_year",
    "dob_month",
    "dob_day",
    "extract_id",
    "line",
)

#: Ground-truth files a synthetic extract may carry; vetline never reads them to decide.
TRUTH_FILE: Final[str] = "truth.csv"
PERSON_FACTS_FILE: Final[str] = "person_facts.csv"
TRUTH_COLUMNS: Final[tuple[str, ...]] = ("source", "record_id", "person_id")
PERSON_FACTS_COLUMNS: Final[tuple[str, ...]] = (
    "person_id",
    "true_status",
    "us_citizen",
    "removable",
    "notes",
)
