"""The discovery document: trdkit's CDS services and their prefetch templates.

References
----------
HL7 CDS Hooks 2.0.1, "Discovery" (hook, id, title, description, prefetch).
"""

from __future__ import annotations

from trdkit.cdshooks.models import Discovery, ServiceDefinition
from trdkit.cdshooks.prefetch import templates
from trdkit.knowledge.cds_hooks import ServiceRow, load_cds_hooks

__all__ = ["discovery", "find_service"]


def discovery() -> Discovery:
    """Every service with its hook, title, description and prefetch templates."""
    prefetch = templates()
    return Discovery(
        services=[
            ServiceDefinition(
                hook=row.hook,
                id=row.id,
                title=row.title,
                description=" ".join(row.description.split()),
                prefetch=prefetch,
            )
            for row in load_cds_hooks().services
        ]
    )


def find_service(service_id: str) -> ServiceRow | None:
    """The service with ``service_id``, if trdkit offers it."""
    return load_cds_hooks().service(service_id)
