"""Choosing the TRD policy: a named one from knowledge, or a file that adjusts one.

A policy file is YAML or JSON: ``base`` names a policy of ``policies.yaml`` and the other keys
override its parameters, e.g.::

    base: ema_2013
    id: clinic_ema_8w
    min_weeks: 8

The result is validated like a knowledge row, and the assessment's ``policy`` block shows what was
applied, so a changed threshold is always visible in the output.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.record.errors import FieldIssue, RecordError, issues_from_validation

__all__ = ["PolicyError", "resolve_policy"]


class PolicyError(RecordError):
    """A policy name or file was rejected."""


def _named(name: str) -> PolicyDefinition:
    table = load_policy_table()
    if name in table.policies:
        return table.policies[name]
    close = difflib.get_close_matches(name, list(table.policies), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise PolicyError(
        [
            FieldIssue(
                "policy",
                f"unknown policy '{name}'{hint} (allowed: {', '.join(table.policies)}, "
                "or a policy file)",
            )
        ]
    )


def resolve_policy(spec: str | Path | None = None) -> PolicyDefinition:
    """Return the policy named by ``spec``, read from the file it names, or the default.

    Raises
    ------
    PolicyError
        For an unknown name or an invalid policy file, naming the field and allowed values.
    """
    if spec is None:
        return load_policy_table().default
    path = Path(spec)
    if not path.suffix or not path.exists():
        return _named(str(spec))
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError([FieldIssue("policy", f"cannot read policy file: {exc}")]) from None
    if not isinstance(data, dict):
        raise PolicyError([FieldIssue("policy", "a policy file must be a mapping")])
    base = _named(str(data.pop("base", load_policy_table().default.id)))
    merged = base.model_dump() | {"default": False} | data
    if merged["id"] == base.id and data:
        # A changed definition must never travel under the published policy's id.
        stem = re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_") or "custom"
        merged["id"] = f"{base.id}+{stem}"
    try:
        return PolicyDefinition.model_validate(merged)
    except ValidationError as exc:
        raise PolicyError(issues_from_validation(exc, PolicyDefinition), str(path)) from None
