"""The research-marker tier: graded, cited literature context for genotypes and biomarkers.

Shown apart from clinical guidance and never used to choose, rank, alert on or dose treatment;
only the assessment and the renderers may import it.
"""

from trdkit.research.markers import evaluate_research_markers
from trdkit.research.model import MarkerEvidence, ResearchMarker

__all__ = ["MarkerEvidence", "ResearchMarker", "evaluate_research_markers"]
