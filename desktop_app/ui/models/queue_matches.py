"""How an item's hash-list matches read in the queue: the strongest in a few words, all of them in full.

Plain Python (no Qt), run where rows are formatted (a worker). Matches arrive strongest first
(exact digests, then the smallest perceptual distance; see ``core.hashlists.matching``), with
suppressions and "not a match" marks already taken out by the service.
"""

from desktop_app.core.domain.hashlists import Algorithm, Match

ALGORITHM_TEXT = {
    Algorithm.MD5: "MD5",
    Algorithm.SHA1: "SHA-1",
    Algorithm.SHA256: "SHA-256",
    Algorithm.PDQ: "PDQ",
    Algorithm.VPDQ: "vPDQ",
}
EXACT = frozenset({Algorithm.MD5, Algorithm.SHA1, Algorithm.SHA256})


def how_close(match: Match) -> str:
    """'SHA-256 exact', 'PDQ distance 12 (rotate-90)', 'vPDQ 92 % of frames'."""
    name = ALGORITHM_TEXT[match.algorithm]
    if match.algorithm in EXACT:
        return f"{name} exact"
    if match.algorithm == Algorithm.VPDQ and match.query_match_percent is not None:
        return f"{name} {match.query_match_percent:.0f} % of frames, distance ≤ {match.distance}"
    variant = f" ({match.variant})" if match.variant and match.variant != "original" else ""
    return f"{name} distance {match.distance}{variant}"


def match_text(matches: tuple[Match, ...]) -> str:
    """The Match column: the strongest match's list and closeness, and how many more there are."""
    if not matches:
        return ""
    best = matches[0]
    closeness = "exact" if best.algorithm in EXACT else f"{ALGORITHM_TEXT[best.algorithm]} {best.distance}"
    more = f" +{len(matches) - 1}" if len(matches) > 1 else ""
    return f"{best.list_name} · {closeness}{more}"


def match_sort_key(matches: tuple[Match, ...]) -> tuple[int, int, int, str]:
    """Strongest first when sorted ascending: exact, then near (by distance), then unmatched."""
    if not matches:
        return (2, 0, 0, "")
    best = matches[0]
    return (0 if best.algorithm in EXACT else 1, best.distance, -len(matches), best.list_name.casefold())


def match_lines(matches: tuple[Match, ...], notes: tuple[str, ...] = ()) -> list[str]:
    """One line per match ('NCMEC: PDQ distance 12 (rotate-90)'), then why some hashes were not matched."""
    return [f"{m.list_name}: {how_close(m)}" for m in matches] + list(notes)
