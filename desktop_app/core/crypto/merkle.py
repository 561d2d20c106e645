"""RFC 6962 / C2SP merkle-tree hashing, proofs and proof verification over leaf hashes.

Everything here works on leaf hashes the caller already computed (the custody log's ``entry_hash``
is the RFC 6962 leaf hash ``SHA-256(0x00 || entry)``), so the log never has to be re-read to be
hashed twice. ``CompactRange`` is the streaming form a verifier uses; the proof builders take the
whole list of leaf hashes and are meant for exports (a bundle's inclusion proofs) and tests.

Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 (as restated by c2sp.org/merkle-tree)
step by step. Those algorithms fix the proof length from the sizes alone, so a proof with a
component added or removed, or checked against the wrong index or size, cannot verify.
"""

from collections.abc import Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 leaf hash ``SHA-256(0x00 || data)``."""
    h = sha256(_LEAF_PREFIX)
    h.update(data)  # update() rather than concatenation: a leaf may be large
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash ``SHA-256(0x01 || left || right)``."""
    return sha256(_NODE_PREFIX + left + right).digest()


class CompactRange:
    """The RFC 6962 root of a growing list of leaf hashes, in O(log n) memory.

    Holds one hash per set bit of ``size``: the roots of the perfect subtrees that the tree of
    that size splits into, largest (leftmost) first. This is transparency-dev/merkle's compact
    range for the range ``[0, size)``.
    """

    __slots__ = ("_size", "_peaks")

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf hash (not the leaf data) to the right edge of the tree.

        Raises:
            ValueError: ``leaf_hash`` is not 32 bytes long.
        """
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf_hash)}")
        peaks = self._peaks
        size = self._size
        h = leaf_hash
        # Each trailing 1 bit of the old size is a perfect subtree exactly as tall as ``h`` has
        # become, so they merge like a binary carry: amortised one hash per append.
        while size & 1:
            h = sha256(_NODE_PREFIX + peaks.pop() + h).digest()
            size >>= 1
        peaks.append(h)
        self._size += 1

    def root(self) -> bytes:
        """Return the RFC 6962 root of every leaf appended so far (O(log n) hashes)."""
        return root_from_peaks(self._peaks)


def root_from_peaks(peaks: Sequence[bytes]) -> bytes:
    """The RFC 6962 root from a compact range's peaks (perfect-subtree roots, largest first).

    Exposed for the custody log's verifier, which keeps the peaks inline for speed.
    """
    if not peaks:
        return EMPTY_ROOT
    # RFC 6962 splits at the largest power of two, so the tree is the peaks folded from the
    # right: MTH = H(p0, H(p1, H(p2, ...))).
    h = peaks[-1]
    for i in range(len(peaks) - 2, -1, -1):
        h = sha256(_NODE_PREFIX + peaks[i] + h).digest()
    return h


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    """Return the RFC 6962 root over ``leaf_hashes`` (``EMPTY_ROOT`` for none)."""
    cr = CompactRange()
    for h in leaf_hashes:
        cr.append(h)
    return cr.root()


def _subtree_root(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    cr = CompactRange()
    for i in range(lo, hi):
        cr.append(leaves[i])
    return cr.root()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """Return the RFC 6962 PATH(index, D[0:size]) over the first ``size`` leaf hashes.

    Raises:
        ValueError: ``index`` is not in ``[0, size)`` or ``size`` exceeds ``len(leaves)``.
    """
    if not 0 <= index < size <= len(leaves):
        raise ValueError(f"no inclusion proof for index {index} in size {size} of {len(leaves)} leaves")
    # Walk down from the root; PATH lists the siblings leaf-first, so reverse at the end.
    siblings: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            siblings.append(_subtree_root(leaves, mid, hi))
            hi = mid
        else:
            siblings.append(_subtree_root(leaves, lo, mid))
            lo = mid
    siblings.reverse()
    return siblings


def consistency_proof(leaves: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """Return the RFC 6962 PROOF(old_size, D[0:new_size]); empty when old_size is 0 or new_size.

    Raises:
        ValueError: not ``0 <= old_size <= new_size <= len(leaves)``.
    """
    if not 0 <= old_size <= new_size <= len(leaves):
        raise ValueError(f"no consistency proof from {old_size} to {new_size} over {len(leaves)} leaves")
    if old_size in (0, new_size):
        return []
    # SUBPROOF unrolled: ``m`` is old_size relative to the subtree [lo, hi); ``whole`` is the
    # SUBPROOF flag b, false once the old tree has been split (its subtree root must be sent).
    upper: list[bytes] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            upper.append(_subtree_root(leaves, lo + k, hi))
            hi = lo + k
        else:
            upper.append(_subtree_root(leaves, lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    proof = [] if whole else [_subtree_root(leaves, lo, hi)]
    proof.extend(reversed(upper))
    return proof


def _well_formed(hashes: Iterable[bytes]) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check an inclusion proof exactly as RFC 9162 section 2.1.3.2 specifies.

    Returns:
        True only if ``proof`` shows ``leaf_hash`` at ``index`` in the tree of ``size`` leaves
        whose root is ``root``; False for every malformed or wrong input.
    """
    if not 0 <= index < size or not _well_formed((leaf_hash, root, *proof)):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:  # more components than the tree is tall
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # On the right border: skip the levels where this node has no right sibling.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Check a consistency proof exactly as RFC 9162 section 2.1.4.2 specifies.

    RFC 9162 only covers ``0 < old_size < new_size``. Equal sizes need an empty proof and equal
    roots; from size 0 the proof must be empty and ``old_root`` must be the empty-tree root
    (stricter than c2sp.org/merkle-tree, which ignores it: the value is known, so a different
    one can only be a corrupt checkpoint).

    Returns:
        True only if the tree of ``old_size`` leaves with ``old_root`` is a prefix of the tree of
        ``new_size`` leaves with ``new_root``; False for every malformed or wrong input.
    """
    if not 0 <= old_size <= new_size or not _well_formed((old_root, new_root, *proof)):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root and (old_size > 0 or old_root == EMPTY_ROOT)
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path: Sequence[bytes] = proof
    if old_size & (old_size - 1) == 0:
        # The old tree is one perfect subtree of the new one, so the proof leaves out its root.
        path = [old_root, *proof]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for i in range(1, len(path)):
        c = path[i]
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
