"""RFC 6962 merkle hashing, proofs and verification against a recursive reference and known answers."""

from collections.abc import Iterator, Sequence
from hashlib import sha256

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.crypto.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# --- a straightforward reference, transcribed from RFC 6962 section 2.1 -------------------------


def _k(n: int) -> int:
    """Largest power of two strictly smaller than n, computed the slow obvious way."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_root(h: Sequence[bytes]) -> bytes:
    if not h:
        return sha256(b"").digest()
    if len(h) == 1:
        return h[0]
    k = _k(len(h))
    return sha256(b"\x01" + ref_root(h[:k]) + ref_root(h[k:])).digest()


def ref_path(m: int, h: Sequence[bytes]) -> list[bytes]:
    if len(h) == 1:
        return []
    k = _k(len(h))
    if m < k:
        return ref_path(m, h[:k]) + [ref_root(h[k:])]
    return ref_path(m - k, h[k:]) + [ref_root(h[:k])]


def ref_subproof(m: int, h: Sequence[bytes], whole: bool) -> list[bytes]:
    if m == len(h):
        return [] if whole else [ref_root(h)]
    k = _k(len(h))
    if m <= k:
        return ref_subproof(m, h[:k], whole) + [ref_root(h[k:])]
    return ref_subproof(m - k, h[k:], False) + [ref_root(h[:k])]


def leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


def flip(b: bytes, bit: int) -> bytes:
    out = bytearray(b)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- RFC 6962 known answers (transparency-dev/merkle testonly/constants.go, proof/verify_test.go) --

CT_INPUTS = [bytes.fromhex(x) for x in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
CT_ROOTS = [bytes.fromhex(x) for x in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
CT_LEAVES = [leaf_hash(d) for d in CT_INPUTS]


def _hx(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


# (index, size, proof) with a 0-based index.
CT_INCLUSION = [
    (0, 8, _hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (5, 8, _hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 3, _hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (1, 5, _hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
]  # fmt: skip
CT_CONSISTENCY = [
    (1, 8, _hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (6, 8, _hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 5, _hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
    (6, 7, _hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
]  # fmt: skip


def test_empty_tree_and_hash_prefixes() -> None:
    assert EMPTY_ROOT == CT_ROOTS[0] == root_of([]) == CompactRange().root()
    assert leaf_hash(b"") == CT_ROOTS[1]
    assert node_hash(CT_LEAVES[0], CT_LEAVES[1]) == CT_ROOTS[2]


def test_known_roots_for_every_size() -> None:
    cr = CompactRange()
    assert cr.root() == CT_ROOTS[0]
    for n, h in enumerate(CT_LEAVES, start=1):
        cr.append(h)
        assert cr.size == n
        assert cr.root() == CT_ROOTS[n], f"size {n}"
        assert root_of(CT_LEAVES[:n]) == CT_ROOTS[n]
    assert cr.root().hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


@pytest.mark.parametrize(("index", "size", "proof"), CT_INCLUSION)
def test_known_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(CT_LEAVES, index, size) == proof
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, CT_ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_known_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(CT_LEAVES, old, new) == proof
    assert verify_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], proof)


# --- CompactRange against the reference ---------------------------------------------------------


def test_compact_range_matches_reference_for_sizes_0_to_70() -> None:
    hs = leaves(70)
    cr = CompactRange()
    assert cr.root() == ref_root([])
    for n in range(1, 71):
        cr.append(hs[n - 1])
        # Asking twice checks that root() leaves the range untouched for the next append.
        assert cr.root() == cr.root() == ref_root(hs[:n]), f"size {n}"
        assert root_of(hs[:n]) == ref_root(hs[:n])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=71, max_value=5000), salt=st.binary(max_size=8), data=st.data())
def test_compact_range_matches_reference_at_random_sizes(n: int, salt: bytes, data: st.DataObject) -> None:
    hs = leaves(n, salt)
    probes = set(data.draw(st.lists(st.integers(min_value=1, max_value=n), max_size=5))) | {n}
    cr = CompactRange()
    for i, h in enumerate(hs, start=1):
        cr.append(h)
        if i in probes:
            assert cr.root() == ref_root(hs[:i]), f"size {i}"


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33])
def test_compact_range_rejects_a_leaf_hash_of_the_wrong_length(bad: bytes) -> None:
    cr = CompactRange()
    with pytest.raises(ValueError):
        cr.append(bad)
    assert cr.size == 0


# --- inclusion proofs: every (index, size) up to 20, and every single mutation -----------------

TREE = leaves(40, b"tree")
SOME_HASH = sha256(b"some other hash").digest()


def _component_mutations(proof: list[bytes], extra: Sequence[bytes]) -> Iterator[tuple[str, list[bytes]]]:
    for i, p in enumerate(proof):
        for bit in range(0, 256, 7):
            yield f"flip proof[{i}] bit {bit}", proof[:i] + [flip(p, bit)] + proof[i + 1 :]
        yield f"remove proof[{i}]", proof[:i] + proof[i + 1 :]
        yield f"truncate proof[{i}]", proof[:i] + [p[:31]] + proof[i + 1 :]
        if i + 1 < len(proof) and proof[i] != proof[i + 1]:
            yield f"swap proof[{i}]", proof[:i] + [proof[i + 1], p] + proof[i + 2 :]
    for i in range(len(proof) + 1):
        for name, e in (("random", SOME_HASH), ("empty", b""), *(("extra", x) for x in extra)):
            yield f"insert {name} at {i}", proof[:i] + [e] + proof[i:]


def inclusion_mutations(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> Iterator[tuple[str, bytes, int, int, list[bytes], bytes]]:
    # Not size+-1: for a leaf on the left border the hash chain depends only on the tree's depth,
    # so sizes of equal depth compute the same root. The size is bound to that root by the signed
    # checkpoint, not by the proof (transparency-dev/merkle mutates size only by *2 and /2 too).
    for d in (-1, 1):
        yield f"index{d:+}", leaf, index + d, size, proof, root
    if index ^ 2 != index:
        yield "index^2", leaf, index ^ 2, size, proof, root
    yield "size*2", leaf, index, size * 2, proof, root
    yield "size/2", leaf, index, size // 2, proof, root
    yield "wrong leaf", flip(leaf, 0), index, size, proof, root
    yield "short leaf", leaf[:31], index, size, proof, root
    yield "wrong root", leaf, index, size, proof, flip(root, 255)
    yield "empty-tree root", leaf, index, size, proof, EMPTY_ROOT
    yield "random root", leaf, index, size, proof, SOME_HASH
    for name, p in _component_mutations(proof, extra=(root, leaf)):
        yield name, leaf, index, size, p, root


@pytest.mark.parametrize("size", range(1, 21))
def test_inclusion_proofs_verify_and_every_mutation_is_rejected(size: int) -> None:
    root = ref_root(TREE[:size])
    for index in range(size):
        proof = inclusion_proof(TREE, index, size)
        assert proof == ref_path(index, TREE[:size])
        assert verify_inclusion(TREE[index], index, size, proof, root)
        for desc, *args in inclusion_mutations(TREE[index], index, size, proof, root):
            assert not verify_inclusion(*args), f"accepted {desc} for index {index} size {size}"  # type: ignore[arg-type]


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (1, 1), (-1, 1), (5, 5)])
def test_inclusion_rejects_impossible_positions(index: int, size: int) -> None:
    assert not verify_inclusion(TREE[0], index, size, [], TREE[0])
    with pytest.raises(ValueError):
        inclusion_proof(TREE, index, size)


def test_inclusion_proof_refuses_a_size_beyond_the_leaves() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(TREE[:3], 0, 4)


def test_hashes_of_the_wrong_length_never_verify_even_when_consistent() -> None:
    # Without length checks the same bytes could be split differently across leaf and proof.
    l0, l1 = TREE[0], TREE[1]
    root = node_hash(l0, l1)
    assert verify_inclusion(l0, 0, 2, [l1], root)
    assert not verify_inclusion(l0[:31], 0, 2, [l0[31:] + l1], root)
    assert not verify_inclusion(l0 + l1[:1], 0, 2, [l1[1:]], root)
    for value in (b"", b"abc", bytes(33)):
        assert not verify_inclusion(value, 0, 1, [], value)
        assert not verify_consistency(3, 3, value, value, [])
    r3, r4 = ref_root(TREE[:3]), ref_root(TREE[:4])
    proof = consistency_proof(TREE, 3, 4)
    assert verify_consistency(3, 4, r3, r4, proof)
    assert not verify_consistency(3, 4, r3, r4, [proof[0] + proof[1][:1], proof[1][1:], *proof[2:]])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(min_value=1, max_value=3000), data=st.data())
def test_inclusion_at_random_sizes(n: int, data: st.DataObject) -> None:
    hs = leaves(n, b"inc")
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = inclusion_proof(hs, index, n)
    root = root_of(hs)
    assert verify_inclusion(hs[index], index, n, proof, root)
    other = data.draw(st.integers(min_value=0, max_value=n - 1))
    if other != index:
        assert not verify_inclusion(hs[other], index, n, proof, root)


# --- consistency proofs: every (old, new) up to 20, and every single mutation ------------------


def consistency_mutations(
    old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes]
) -> Iterator[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    # As for inclusion, new+-1 is no mutation: from old size 1 only the depth of ``new`` matters.
    for d in (-1, 1):
        yield f"old{d:+}", old + d, new, r1, r2, proof
    yield "old^2", old ^ 2, new, r1, r2, proof
    yield "new*2", old, new * 2, r1, r2, proof
    yield "new/2", old, new // 2, r1, r2, proof
    yield "wrong old root", old, new, flip(r1, 3), r2, proof
    yield "wrong new root", old, new, r1, flip(r2, 3), proof
    yield "swapped roots", old, new, r2, r1, proof
    yield "empty-tree old root", old, new, EMPTY_ROOT, r2, proof
    yield "empty proof", old, new, r1, r2, []
    for name, p in _component_mutations(proof, extra=(r1, r2, proof[0])):
        yield name, old, new, r1, r2, p


@pytest.mark.parametrize("new", range(1, 21))
def test_consistency_proofs_verify_and_every_mutation_is_rejected(new: int) -> None:
    r2 = ref_root(TREE[:new])
    for old in range(1, new):
        r1 = ref_root(TREE[:old])
        proof = consistency_proof(TREE, old, new)
        assert proof == ref_subproof(old, TREE[:new], True)
        assert verify_consistency(old, new, r1, r2, proof)
        for desc, *args in consistency_mutations(old, new, r1, r2, proof):
            assert not verify_consistency(*args), f"accepted {desc} for {old} -> {new}"  # type: ignore[arg-type]


@pytest.mark.parametrize("n", range(0, 21))
def test_consistency_edge_sizes(n: int) -> None:
    root = ref_root(TREE[:n])
    assert consistency_proof(TREE, n, n) == []
    assert verify_consistency(n, n, root, root, [])
    assert not verify_consistency(n, n, root, flip(root, 0), [])
    assert not verify_consistency(n, n, root, root, [root])
    # Every tree extends the empty one, with an empty proof and the known empty root.
    assert consistency_proof(TREE, 0, n) == []
    assert verify_consistency(0, n, EMPTY_ROOT, root, [])
    assert not verify_consistency(0, n, EMPTY_ROOT, root, [EMPTY_ROOT])
    assert not verify_consistency(0, n, SOME_HASH, SOME_HASH if n == 0 else root, [])
    if n:
        assert not verify_consistency(n, n - 1, root, ref_root(TREE[: n - 1]), [])


def test_consistency_proof_refuses_bad_sizes() -> None:
    for old, new in ((2, 1), (-1, 3), (3, 41)):
        with pytest.raises(ValueError):
            consistency_proof(TREE, old, new)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(min_value=2, max_value=3000), data=st.data())
def test_consistency_at_random_sizes_and_a_rewritten_history_fails(n: int, data: st.DataObject) -> None:
    hs = leaves(n, b"con")
    old = data.draw(st.integers(min_value=1, max_value=n - 1))
    proof = consistency_proof(hs, old, n)
    assert verify_consistency(old, n, root_of(hs[:old]), root_of(hs), proof)
    # A log that rewrote an entry inside the old tree cannot prove it extends the old root.
    victim = data.draw(st.integers(min_value=0, max_value=old - 1))
    forked = hs[:victim] + [leaf_hash(b"forged")] + hs[victim + 1 :]
    forked_proof = consistency_proof(forked, old, n)
    assert not verify_consistency(old, n, root_of(hs[:old]), root_of(forked), forked_proof)
