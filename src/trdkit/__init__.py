"""trdkit: clinical decision support and research tools for treatment-resistant depression.

The public surface: load a record, assess it, read the assessment.
"""

__version__ = "0.1.0"

from trdkit.assessment import Assessment, assess
from trdkit.record import PatientRecord, RecordError, load_record

__all__ = ["Assessment", "PatientRecord", "RecordError", "__version__", "assess", "load_record"]
