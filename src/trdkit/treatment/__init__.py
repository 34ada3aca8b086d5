"""Treatment options: ranked, safety-checked next steps and the options ruled out.

``recommend`` reads the record, diagnosis, resistance result, flags and pharmacogenomic section
and returns the ``options`` and ``excluded_options`` of ``trdkit.assessment/1``. Knowledge lives in
``options.yaml``, ``option_rules.yaml``, ``safety.yaml``, ``washouts.yaml`` and
``expected_outcomes.yaml``; the research tier is never read.
"""

from trdkit.treatment.model import (
    Agent,
    Evidence,
    ExcludedOption,
    Option,
    OptionCategory,
    OptionId,
    Washout,
)
from trdkit.treatment.options import recommend

__all__ = [
    "Agent",
    "Evidence",
    "ExcludedOption",
    "Option",
    "OptionCategory",
    "OptionId",
    "Washout",
    "recommend",
]
