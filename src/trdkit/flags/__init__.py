"""Assessment flags: the fixed vocabulary and the rules that raise them."""

from trdkit.flags.clinical import clinical_flags, unknown_medications
from trdkit.flags.model import Flag, FlagId, Level, make_flag
from trdkit.flags.suicide import suicide_flags

__all__ = [
    "Flag",
    "FlagId",
    "Level",
    "clinical_flags",
    "make_flag",
    "suicide_flags",
    "unknown_medications",
]
