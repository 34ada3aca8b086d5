"""Cohort research: TRD phenotyping, per-variant association on Dask, and polygenic scores.

Modules hold one concept each; the command-line faces are in :mod:`trdkit.cli.cohort`.
"""
