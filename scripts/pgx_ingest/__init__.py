"""Ingest of the pharmacogenomics source data into trdkit's own knowledge tables."""
