"""TRD staging models: Thase-Rush, European (Souery), MGH-s and Maudsley.

Each model is a pure function of one module, ``stage_<model>(record, verdicts, scales)``, that
returns its value and a ``StageBreakdown`` (items, reasons, source); ``stage_all`` runs every
model and fills ``trd.stages`` of ``trdkit.assessment/1``. The Dutch Measure (DM-TRD) is not
scored: its point values could not be verified (``docs/staging/README.md``). Points, bands and the
choices made to read a record into each model live in ``knowledge/staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.record import PatientRecord
from trdkit.resistance.model import Stages, TrialVerdict
from trdkit.resistance.staging.european import stage_european
from trdkit.resistance.staging.maudsley import stage_maudsley
from trdkit.resistance.staging.mgh_s import stage_mgh_s
from trdkit.resistance.staging.thase_rush import stage_thase_rush
from trdkit.scales import ScaleResult

__all__ = ["stage_all", "stage_european", "stage_maudsley", "stage_mgh_s", "stage_thase_rush"]


def stage_all(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    scales: Sequence[ScaleResult],
    *,
    table: StagingTable | None = None,
) -> Stages:
    """Stage the current episode under every staging model.

    Parameters
    ----------
    record
        The patient record.
    verdicts
        Trial verdicts of the resistance engine (``judge_trials``).
    scales
        Scored scales of the record (``score_scales``), for Maudsley severity.
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    Stages
        ``thase_rush``, ``european``, ``mgh_s`` and ``maudsley``, with each model's breakdown
        under ``breakdown["thase_rush" | "european" | "mgh_s" | "maudsley"]``.

    References
    ----------
    Thase & Rush 1997; Souery 1999; Fava 2003; Fekadu 2009 and 2018 (full citations in
    ``knowledge/staging.yaml`` and each breakdown's ``source``).
    """
    t = table or load_staging_table()
    thase_rush, tr_items = stage_thase_rush(record, verdicts, scales, table=t)
    european, eu_items = stage_european(record, verdicts, scales, table=t)
    mgh_s, mgh_items = stage_mgh_s(record, verdicts, scales, table=t)
    maudsley, msm_items = stage_maudsley(record, verdicts, scales, table=t)
    return Stages(
        thase_rush=thase_rush,
        european=european,
        mgh_s=mgh_s,
        maudsley=maudsley,
        breakdown={
            "thase_rush": tr_items,
            "european": eu_items,
            "mgh_s": mgh_items,
            "maudsley": msm_items,
        },
    )
