"""Alembic migrations of the trdkit database (run by ``trdkit.store.migrate``)."""
