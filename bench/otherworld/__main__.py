"""``python bench/otherworld --out DIR [--persons N] [--seed S] [--noise-scale F]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a directory: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "otherworld"

from otherworld import Noise, Sizes, write_world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--noise-scale", type=float, default=1.0)
    args = parser.parse_args()
    world = write_world(
        args.out,
        seed=args.seed,
        sizes=Sizes.scaled(args.persons),
        noise=Noise.scaled(args.noise_scale),
    )
    print(
        json.dumps({k: world[k] for k in ("records", "records_per_source", "queries", "seconds")})
    )


if __name__ == "__main__":
    main()
