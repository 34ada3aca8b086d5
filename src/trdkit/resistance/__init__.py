"""The resistance engine: trial adequacy, TRD status and (later) staging and the false-TRD screen.

``judge_trials`` judges each treatment trial under a TRD policy; ``trd_status`` turns the verdicts
and the diagnosis into the ``trd`` section of ``trdkit.assessment/1``. Both are pure.
"""

from trdkit.resistance.adequacy import episode_onset, judge_trials
from trdkit.resistance.model import (
    MaudsleyStage,
    StageBreakdown,
    Stages,
    TrdResult,
    TrdStatus,
    TrialCategory,
    TrialVerdict,
    Verdict,
)
from trdkit.resistance.status import trd_status

__all__ = [
    "MaudsleyStage",
    "StageBreakdown",
    "Stages",
    "TrdResult",
    "TrdStatus",
    "TrialCategory",
    "TrialVerdict",
    "Verdict",
    "episode_onset",
    "judge_trials",
    "trd_status",
]
