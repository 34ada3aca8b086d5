"""Mapping a VCF record's alleles onto an allele-defining site.

Callers and pipelines write the same variant in different ways: a deletion shifted within a
repeat, extra padding bases in a multi-allelic record, an MNV that covers a defining SNV, a gVCF
reference block. PharmCAT asks for a normalised VCF (``bcftools norm``) instead; here each record
allele is compared with the site's alleles by what it does to the reference sequence, which
works without a reference FASTA whenever the record and the site overlap or touch:

1. same position and reference allele: compare allele strings;
2. a substitution (REF and ALT of equal length) covering a defining SNV: read the base there;
3. otherwise build the reference window both spans cover, apply the record allele and each site
   allele to it, and compare the results (this catches shifted or padded indels);
4. an allele that matches none of the site's alleles is a novel allele when its edit overlaps
   what the site's alleles change, and the reference allele of the site when it does not.

A deletion shifted so far within a long repeat that the two spans do not touch cannot be matched
without the reference sequence; such a site stays missing (honest, never reference).
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.pgx.sites import MISSING, NOVEL, Site, edit_span, spans_touch

__all__ = ["REF_MISMATCH", "is_symbolic", "record_codes"]

# Returned when the record's REF disagrees with the site's reference (wrong build, wrong site).
REF_MISMATCH: list[int] = []


def is_symbolic(allele: str) -> bool:
    """Whether a VCF ALT is symbolic (``<NON_REF>``, ``<*>``, ``<DEL>``, breakends)."""
    return allele.startswith("<") or "[" in allele or "]" in allele


def _window_code(site: Site, pos: int, ref: str, allele: str) -> int | None:
    s0, s1 = site.pos, site.pos + len(site.ref)
    r0, r1 = pos, pos + len(ref)
    if r0 > s1 or s0 > r1:
        return None
    w0 = min(s0, r0)
    buf: list[str | None] = [None] * (max(s1, r1) - w0)
    for offset, seq in ((s0 - w0, site.ref), (r0 - w0, ref)):
        for i, base in enumerate(seq):
            if buf[offset + i] not in (None, base):
                return None
            buf[offset + i] = base
    if any(b is None for b in buf):
        return None
    window = "".join(b for b in buf if b is not None)
    applied = window[: r0 - w0] + allele + window[r1 - w0 :]
    for code, candidate in enumerate(site.alleles):
        if window[: s0 - w0] + candidate + window[s1 - w0 :] == applied:
            return code
    return None


def _allele_code(site: Site, pos: int, ref: str, allele: str) -> int:
    if allele == "*":
        # An upstream deletion spans the site; that deletion's own record speaks for it.
        return MISSING
    if is_symbolic(allele):
        return NOVEL
    if pos == site.pos and ref == site.ref and allele in site.alleles:
        return site.alleles.index(allele)
    covers = pos <= site.pos < pos + len(ref)
    if site.kind == "snv" and covers and len(allele) == len(ref):
        base = allele[site.pos - pos]
        return site.alleles.index(base) if base in site.alleles else NOVEL
    code = _window_code(site, pos, ref, allele)
    if code is not None:
        return code
    edit = edit_span(pos, ref, allele)
    return NOVEL if any(spans_touch(edit, f) for f in site.effects) else site.ref_code


def _ref_consistent(site: Site, pos: int, ref: str) -> bool:
    if pos == site.pos:
        return ref.startswith(site.ref) or site.ref.startswith(ref)
    if pos < site.pos < pos + len(ref):
        return ref[site.pos - pos] == site.ref[0]
    return True


def record_codes(
    site: Site, pos: int, ref: str, alts: Sequence[str], end: int | None = None
) -> list[int] | None:
    """Allele codes of a record's alleles (REF first) at ``site``.

    Parameters
    ----------
    site
        The allele-defining site.
    pos, ref, alts
        The record's position, REF and ALT alleles (upper case).
    end
        INFO ``END`` of a gVCF reference block, if any.

    Returns
    -------
    list of int or None
        One code per record allele: a site allele index, ``NOVEL`` or ``MISSING``. ``None`` when
        the record says nothing about the site; ``REF_MISMATCH`` (empty) when its REF
        contradicts the site's reference.
    """
    if not alts or all(is_symbolic(a) or a == "*" for a in alts):
        last = end if end is not None else pos + len(ref) - 1
        if not pos <= site.pos <= last:
            return None
        if pos == site.pos and not _ref_consistent(site, pos, ref):
            return REF_MISMATCH
        # A called symbolic allele is some allele the caller did not spell out.
        return [site.ref_code] + [MISSING if a == "*" else NOVEL for a in alts]
    if not _ref_consistent(site, pos, ref):
        return REF_MISMATCH
    codes = [_allele_code(site, pos, ref, a) for a in alts]
    covers_snv = site.kind == "snv" and pos <= site.pos < pos + len(ref)
    substitution = all(len(a) == len(ref) for a in alts if not is_symbolic(a))
    # A record elsewhere speaks for the site only through an allele that changes it: the
    # site's own variant written differently, or a novel change overlapping it.
    changes = [c for c, a in zip(codes, alts, strict=True) if not is_symbolic(a)]
    informs = (
        pos == site.pos
        or (covers_snv and substitution)
        or any(c not in (MISSING, site.ref_code) for c in changes)
    )
    if not informs:
        return None
    return [site.ref_code, *codes]
