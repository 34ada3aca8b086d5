"""Calling the genotype file a patient record names (``genetics.vcf``), for ``assess``.

This is reader-side I/O: the faces call it and pass the calls to ``assess``, which stays pure.
"""

from __future__ import annotations

from pathlib import Path

from trdkit.pgx.call import call_genotypes
from trdkit.pgx.errors import PgxInputError, PgxSampleError
from trdkit.pgx.model import GeneCall
from trdkit.record import FieldIssue, PatientRecord, RecordError

__all__ = ["vcf_calls_for_record"]


def vcf_calls_for_record(record: PatientRecord, base_dir: Path) -> dict[str, GeneCall] | None:
    """Call the record's genotype file, resolved relative to ``base_dir``.

    Returns
    -------
    dict or None
        Gene calls of the record's sample; ``None`` when the record names no genotype file.

    Raises
    ------
    RecordError
        When the file cannot be read or the sample is not in it (field ``genetics.vcf`` or
        ``genetics.sample``), so the CLI and API report it like any other invalid input.
    """
    genetics = record.genetics
    if genetics is None or genetics.vcf is None:
        return None
    path = Path(genetics.vcf)
    if not path.is_absolute():
        path = base_dir / path
    try:
        calls = call_genotypes(path, sample=genetics.sample)
    except PgxInputError as exc:
        where = "genetics.sample" if isinstance(exc, PgxSampleError) else "genetics.vcf"
        raise RecordError([FieldIssue(where, str(exc))]) from None
    if not calls:
        raise RecordError([FieldIssue("genetics.vcf", "the genotype file holds no sample")])
    if genetics.sample is not None and genetics.sample in calls:
        return calls[genetics.sample]
    if len(calls) > 1:
        names = ", ".join(sorted(calls)[:10])
        raise RecordError(
            [FieldIssue("genetics.sample", f"the file holds several samples; name one ({names})")]
        )
    return next(iter(calls.values()))
