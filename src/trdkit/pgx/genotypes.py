"""Genotype arrays at the allele-defining positions: what the readers hand to the matcher.

Per gene, three arrays over (samples × positions): the two allele codes of each sample
(``alleles``, int8, samples × positions × 2; a definition allele index, ``MISSING`` or
``NOVEL``), whether the call is phased (``phased``) and its phase set (``phase_set``; -1 when a
phased call carries no PS, which the VCF specification reads as one set per sample). Positions
follow the gene's allele-definition table, whatever the assembly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from trdkit.pgx.sites import MISSING, NOVEL

__all__ = ["GeneGenotypes", "GenotypeData", "InputSource"]

InputSource = Literal["vcf", "raw_data"]
NO_PHASE_SET = -1


@dataclass
class GeneGenotypes:
    """One gene's genotypes for a block of samples."""

    gene: str
    alleles: npt.NDArray[np.int8]
    phased: npt.NDArray[np.bool_]
    phase_set: npt.NDArray[np.int64]
    novel: dict[int, set[str]] = field(default_factory=dict)
    ref_mismatch: set[int] = field(default_factory=set)
    conflicts: set[int] = field(default_factory=set)

    @classmethod
    def empty(cls, gene: str, n_samples: int, n_positions: int) -> GeneGenotypes:
        """All positions missing for every sample."""
        return cls(
            gene=gene,
            alleles=np.full((n_samples, n_positions, 2), MISSING, dtype=np.int8),
            phased=np.zeros((n_samples, n_positions), dtype=np.bool_),
            phase_set=np.full((n_samples, n_positions), NO_PHASE_SET, dtype=np.int64),
        )

    @property
    def n_samples(self) -> int:
        """Number of samples in this block."""
        return int(self.alleles.shape[0])

    def missing(self) -> npt.NDArray[np.bool_]:
        """Positions with no call on either copy (samples × positions)."""
        return np.asarray((self.alleles == MISSING).all(axis=2))

    def merge(
        self,
        index: int,
        codes: npt.NDArray[np.int8],
        phased: npt.NDArray[np.bool_],
        phase_set: npt.NDArray[np.int64],
    ) -> None:
        """Fold one record's calls at position ``index`` into the arrays.

        A record that reports a non-reference allele wins over one that reports only the
        reference or nothing (a gVCF block beside a variant record, a padded multi-allelic
        record beside a normalised one). Two records that each report one different non-reference
        allele make a heterozygote of the two (a split multi-allelic site); anything else that
        disagrees becomes ``NOVEL`` and the position is named as conflicting.
        """
        cur = self.alleles[:, index, :]
        # Code 0 is the definitions' reference allele. On GRCh37 the build's own reference may
        # be another code; here "non-reference" only decides which record is more informative.
        cur_alt = (cur != MISSING) & (cur != 0)
        new_alt = (codes != MISSING) & (codes != 0)
        cur_has, new_has = cur_alt.any(axis=1), new_alt.any(axis=1)
        take = (cur == MISSING).all(axis=1) | (~cur_has & new_has)
        both = cur_has & new_has & (cur != codes).any(axis=1) & (cur != codes[:, ::-1]).any(axis=1)
        if both.any():
            one_each = (cur_alt.sum(axis=1) == 1) & (new_alt.sum(axis=1) == 1) & both
            pair = np.stack(
                [
                    np.where(cur_alt[:, 0], cur[:, 0], cur[:, 1]),
                    np.where(new_alt[:, 0], codes[:, 0], codes[:, 1]),
                ],
                axis=1,
            )
            distinct = one_each & (pair[:, 0] != pair[:, 1])
            cur[distinct] = pair[distinct]
            self.phased[distinct, index] = False
            clash = both & ~distinct
            if clash.any():
                cur[clash] = NOVEL
                self.conflicts.add(index)
        cur[take] = codes[take]
        self.phased[take, index] = phased[take]
        self.phase_set[take, index] = phase_set[take]


@dataclass
class GenotypeData:
    """Genotypes of a block of samples at every gene's defining positions."""

    samples: tuple[str, ...]
    genes: dict[str, GeneGenotypes]
    source: InputSource
    assembly: Literal["GRCh38", "GRCh37"]
    notes: list[str] = field(default_factory=list)
