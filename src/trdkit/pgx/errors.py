"""Errors of the genotype readers, as one tree::

    PgxInputError                the input cannot be read as genotypes (exit code 2 in the CLI)
     ├─ PgxFileTypeError         neither VCF/BCF nor a consumer raw-data text file
     ├─ PgxHeaderError           a VCF without its ``##fileformat`` / ``#CHROM`` header
     ├─ PgxTruncatedError        a compressed file that ends early or is corrupt
     ├─ PgxSampleError           a requested sample is not in the file
     ├─ PgxAssemblyError         the data's genome build is not the one asked for
     └─ PgxOutsideCallError      an outside-call TSV that cannot be read

Every message is written for the person who supplied the file: what is wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "PgxAssemblyError",
    "PgxFileTypeError",
    "PgxHeaderError",
    "PgxInputError",
    "PgxOutsideCallError",
    "PgxSampleError",
    "PgxTruncatedError",
]


class PgxInputError(ValueError):
    """The input cannot be read as genotypes."""


class PgxFileTypeError(PgxInputError):
    """The file is neither a VCF/BCF nor a 23andMe/AncestryDNA raw-data file."""


class PgxHeaderError(PgxInputError):
    """A VCF lacks its header lines."""


class PgxTruncatedError(PgxInputError):
    """A compressed file ends early or cannot be decompressed."""


class PgxSampleError(PgxInputError):
    """A requested sample is not in the file."""


class PgxAssemblyError(PgxInputError):
    """The data's genome build differs from the one asked for."""


class PgxOutsideCallError(PgxInputError):
    """An outside-call file cannot be read."""
