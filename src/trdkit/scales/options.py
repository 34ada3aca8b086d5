"""``ScoringOptions``: the scoring settings a user may change, checked against the knowledge.

Only choices the knowledge table lists as alternatives are accepted, so a setting can never move
a cut-off to a value no source supports.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trdkit.knowledge.scale_scoring import RemissionRule, load_scale_scoring

__all__ = ["ScoringOptions"]


def _madrs_remission() -> RemissionRule:
    rule = load_scale_scoring()["madrs"].remission
    if rule is None:
        raise LookupError("scale_scoring.yaml: MADRS has no remission rule")
    return rule


class ScoringOptions(BaseModel):
    """Settings of scale scoring.

    Attributes
    ----------
    madrs_remission_max
        MADRS remission cut-off (total at or below it). Default 10 (Zimmerman 2004; Hawley
        2002); 12, common in TRD and esketamine trial programmes, is the allowed alternative.
        The value used is recorded on every MADRS result (``remission_cutoff``).

    References
    ----------
    Zimmerman M, Posternak MA, Chelminski I. J Clin Psychiatry. 2004;65(2):163-168; Hawley CJ,
    et al. J Affect Disord. 2002;72(2):177-184; Riedel M, et al. J Psychiatr Res.
    2010;44(15):1063-1068.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    madrs_remission_max: int = Field(
        default_factory=lambda: _madrs_remission().max_total,
        description="MADRS remission cut-off; one of the alternatives in scale_scoring.yaml.",
    )

    @field_validator("madrs_remission_max")
    @classmethod
    def _allowed(cls, value: int) -> int:
        allowed = _madrs_remission().allowed()
        if value not in allowed:
            choices = " or ".join(map(str, allowed))
            raise ValueError(f"MADRS remission cut-off must be {choices}, not {value}")
        return value
