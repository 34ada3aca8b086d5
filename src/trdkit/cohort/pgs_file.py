"""PGS Catalog scoring files (format 2.0, original or harmonised): header and variant rows.

A scoring file is a TSV (optionally gzipped) whose leading ``#`` lines hold metadata
(``#pgs_id=``, ``#genome_build=``, and in harmonised files ``#HmPOS_build=``), followed by a
column row. The columns read here are ``rsID``, ``chr_name``, ``chr_position``, ``effect_allele``,
``other_allele``, ``effect_weight``, the harmonised ``hm_rsID``, ``hm_chr``, ``hm_pos``,
``hm_inferOtherAllele``, and the model flags ``is_haplotype``, ``is_diplotype``,
``is_interaction``, ``is_dominant``, ``is_recessive``. When ``hm_chr``/``hm_pos`` are present
they are the positions used, on the ``HmPOS_build``; otherwise ``chr_name``/``chr_position`` on the
``genome_build``. Rows with dosage-specific weights or a non-additive flag are kept but marked
unsupported, so that the match table reports them.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

from trdkit.cohort.io import GeneticsInputError

__all__ = ["ScoreRow", "ScoringFile", "read_scoring_file"]

_FLAGS = ("is_haplotype", "is_diplotype", "is_interaction", "is_dominant", "is_recessive")
_DOSAGE = ("dosage_0_weight", "dosage_1_weight", "dosage_2_weight")


@dataclass(frozen=True)
class ScoreRow:
    """One scoring-file variant."""

    rsid: str | None
    chrom: str | None
    pos: int | None
    effect: str
    other: str | None
    weight: float
    unsupported: str | None = None


@dataclass(frozen=True)
class ScoringFile:
    """A parsed scoring file."""

    path: Path
    pgs_id: str
    build: str | None
    harmonised: bool
    meta: dict[str, str]
    rows: list[ScoreRow] = field(repr=False)


def _open_text(path: Path) -> list[str]:
    try:
        with path.open("rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
        if gz:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return fh.read().splitlines()
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GeneticsInputError(f"{path}: cannot read the scoring file ({exc})") from exc


def _cell(row: dict[str, str], name: str) -> str | None:
    value = row.get(name, "").strip()
    return value if value and value not in {"NA", "."} else None


def read_scoring_file(path: str | Path) -> ScoringFile:
    """Read a PGS Catalog scoring file.

    Raises
    ------
    GeneticsInputError
        When a required column (``effect_allele``, ``effect_weight``, and positions or rsIDs) is
        missing or a weight is not a number.

    References
    ----------
    PGS Catalog scoring file format v2.0 and its harmonised (HmPOS) files, as summarised in the
    trdkit research notes (shared/reference/cohort-genetics.md section 6).
    """
    src = Path(path)
    lines = _open_text(src)
    meta: dict[str, str] = {}
    body = []
    for line in lines:
        if line.startswith("#"):
            key, sep, value = line.lstrip("#").partition("=")
            if sep:
                meta[key.strip()] = value.strip()
        elif line.strip():
            body.append(line.split("\t"))
    if not body:
        raise GeneticsInputError(f"{src}: no column row found")
    head = [h.strip() for h in body[0]]
    for need in ("effect_allele", "effect_weight"):
        if need not in head:
            raise GeneticsInputError(f"{src}: missing the {need!r} column")
    harmonised = "hm_chr" in head and "hm_pos" in head
    chr_col, pos_col = ("hm_chr", "hm_pos") if harmonised else ("chr_name", "chr_position")
    if pos_col not in head and "rsID" not in head and "hm_rsID" not in head:
        raise GeneticsInputError(f"{src}: needs chr_name/chr_position, hm_chr/hm_pos or rsID")
    rows = []
    for n, cells in enumerate(body[1:], 2):
        row = dict(zip(head, cells, strict=False))
        try:
            weight = float(row["effect_weight"])
        except (KeyError, ValueError):
            raise GeneticsInputError(
                f"{src}: data row {n} has effect_weight {row.get('effect_weight')!r}, not a number"
            ) from None
        pos_text = _cell(row, pos_col)
        other = _cell(row, "other_allele") or _cell(row, "hm_inferOtherAllele")
        if other and "/" in other:  # hm_inferOtherAllele may list several candidates
            other = None
        flags = [f for f in _FLAGS if (_cell(row, f) or "").lower() == "true"]
        flags += [f for f in _DOSAGE if _cell(row, f) is not None]
        rows.append(
            ScoreRow(
                rsid=_cell(row, "hm_rsID") or _cell(row, "rsID"),
                chrom=_cell(row, chr_col),
                pos=int(float(pos_text)) if pos_text else None,
                effect=(_cell(row, "effect_allele") or "").upper(),
                other=other.upper() if other else None,
                weight=weight,
                unsupported=", ".join(flags) or None,
            )
        )
    build = meta.get("HmPOS_build") if harmonised else meta.get("genome_build")
    pgs_id = meta.get("pgs_id") or src.name.split(".")[0]
    return ScoringFile(
        src, pgs_id, build if build not in {None, "NR"} else None, harmonised, meta, rows
    )
