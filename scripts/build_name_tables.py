"""Derive the compact name-frequency tables the synthetic world samples from.

``names-dataset`` (Remy, 2021; 491 M Facebook-leak records aggregated into per-country ranks,
Apache-2.0 licence) takes ~10 s and several GiB to load, so the generator never loads it:
this script reads it once and writes, per country of the domain, the most common Latin-script
first names by sex and last names with their national rank. The generator turns ranks into
Zipf weights. Re-run after upgrading names-dataset:

    .venv/bin/python scripts/build_name_tables.py
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from pathlib import Path

from names_dataset import NameDataset

OUT = Path(__file__).resolve().parents[1] / "src" / "vetline" / "data" / "names"

#: Countries that dominate immigration-status queries, plus the U.S. itself.
COUNTRIES = [
    "MX",
    "GT",
    "SV",
    "HN",
    "CU",
    "DO",
    "HT",
    "CO",
    "VE",
    "EC",
    "PE",
    "BR",
    "CN",
    "IN",
    "VN",
    "PH",
    "KR",
    "NG",
    "GH",
    "ET",
    "SO",
    "EG",
    "SA",
    "IQ",
    "SY",
    "AF",
    "PK",
    "BD",
    "RU",
    "UA",
    "PL",
    "US",
    "CA",
    "GB",
    "JM",
]
#: names-dataset has no Latin-script rows for these; borrow the closest covered population
#: (same language and naming customs). Vietnam comes from Faker's vi_VN person provider.
DONORS = {"CU": "PR", "DO": "PR", "VE": "CO", "UA": "RU", "SO": "EG", "PK": "SA"}
FIRST_PER_SEX = 250
LAST_PER_COUNTRY = 400


def latin_name(name: str) -> bool:
    """Keep names written in Latin letters (with accents), hyphens and apostrophes only."""
    if len(name) < 2 or not name[0].isalpha():
        return False
    for ch in name:
        if ch in "-' ":
            continue
        if not ch.isalpha() or "LATIN" not in unicodedata.name(ch, ""):
            return False
    parts = name.split(" ")
    return len(parts) <= 2 and all(len(p) >= 2 for p in parts) and not name.isupper()


def add_vietnam(
    firsts: dict[tuple[str, str], list[tuple[int, str]]], lasts: dict[str, list[tuple[int, str]]]
) -> None:
    """Vietnamese names with their diacritics, in Faker's listed (frequency) order."""
    from faker.providers.person.vi_VN import Provider as Vi

    lasts["VN"] = [(i + 1, n) for i, n in enumerate(Vi.last_names)]
    unisex = list(Vi.first_names_unisex)
    for sex, names in (("M", Vi.first_names_male), ("F", Vi.first_names_female)):
        ordered = list(dict.fromkeys([*names, *unisex]))
        firsts[("VN", sex)] = [(i + 1, n) for i, n in enumerate(ordered)]


def main() -> None:
    nd = NameDataset()
    wanted = set(COUNTRIES) | set(DONORS.values())
    firsts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for name, info in nd.first_names.items():
        if not latin_name(name):
            continue
        genders = info["gender"]
        if not genders:
            continue
        sex = max(genders, key=genders.get)
        if genders[sex] < 0.8:  # unisex names muddle sex-specific sampling
            continue
        for country, rank in info["rank"].items():
            if country in wanted and rank is not None:
                firsts[(country, sex)].append((int(rank), name))
    lasts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, info in nd.last_names.items():
        if not latin_name(name):
            continue
        for country, rank in info["rank"].items():
            if country in wanted and rank is not None:
                lasts[country].append((int(rank), name))
    for country, donor in DONORS.items():
        lasts.setdefault(country, lasts[donor])
        for sex in "MF":
            firsts.setdefault((country, sex), firsts[(donor, sex)])
    add_vietnam(firsts, lasts)
    keep = set(COUNTRIES)
    firsts = defaultdict(list, {k: v for k, v in firsts.items() if k[0] in keep})
    lasts = defaultdict(list, {k: v for k, v in lasts.items() if k in keep})
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "first_names.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["country", "sex", "name", "rank"])
        for (country, sex), rows in sorted(firsts.items()):
            for rank, name in sorted(rows)[:FIRST_PER_SEX]:
                w.writerow([country, sex, name, rank])
    with (OUT / "last_names.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["country", "name", "rank"])
        for country, rows in sorted(lasts.items()):
            for rank, name in sorted(rows)[:LAST_PER_COUNTRY]:
                w.writerow([country, name, rank])
    missing = sorted(keep - {c for c, _ in firsts} | (keep - set(lasts)))
    print("countries without names:", missing or "none")


if __name__ == "__main__":
    main()
