"""Durable storage: SQLAlchemy models, Alembic migrations, the repository and the audit trail.

Open a store with :func:`open_store`; work in one transaction with ``store.transaction()``; read
and write patients with the functions of :mod:`trdkit.store.repository`, recording an audit
event (:func:`trdkit.store.audit.record_event`) for each read and write of patient data.
"""

from trdkit.store.audit import Actor, AuditAction, AuditDetail, AuditOutcome, record_event
from trdkit.store.engine import database_url, default_data_dir, make_engine
from trdkit.store.migrate import current_revision, head_revision, migrate
from trdkit.store.session import Store, open_store

__all__ = [
    "Actor",
    "AuditAction",
    "AuditDetail",
    "AuditOutcome",
    "Store",
    "current_revision",
    "database_url",
    "default_data_dir",
    "head_revision",
    "make_engine",
    "migrate",
    "open_store",
    "record_event",
]
