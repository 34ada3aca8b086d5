"""Rebuild trdkit's pharmacogenomics knowledge tables from the shared source data.

Usage::

    .venv/bin/python scripts/ingest_pgx.py --shared /work/shared [--out src/trdkit/knowledge/pgx]

Writes allele definitions (``pgx_ingest.alleles``), phenotype tables (``pgx_ingest.phenotypes``)
and CPIC guidance tables (``pgx_ingest.guidance``). The output depends only on the input files,
so a second run on the same input reproduces every table byte for byte.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each step is a module of pgx_ingest with ``write_tables(shared, out_dir) -> list[Path]``.
STEPS = ("alleles", "phenotypes", "guidance")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared folder holding data/pgx/ (default: ../shared beside the repository)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src" / "trdkit" / "knowledge" / "pgx",
        help="where to write the tables (default: src/trdkit/knowledge/pgx)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every ingest step; return the process exit status."""
    args = _arguments(argv)
    if not (args.shared / "data" / "pgx").is_dir():
        print(f"no data/pgx/ under {args.shared}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for step in STEPS:
        try:
            module = importlib.import_module(f"pgx_ingest.{step}")
        except ModuleNotFoundError as exc:
            # The two halves of the ingest are written separately; a missing one is skipped.
            if exc.name != f"pgx_ingest.{step}":
                raise
            print(f"skipped {step}: pgx_ingest/{step}.py is not there yet")
            continue
        for path in module.write_tables(args.shared, args.out):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
