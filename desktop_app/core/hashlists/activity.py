"""Which stored matches count, and what each list has matched: pure functions over what storage holds.

Suppressions are kept apart from the matches (so they survive list updates) as blind indexes of
the entry (``algorithm:value``), for the whole workspace or for one item. These functions apply
them to stored outcomes: for the item details (every match, and whether it counts) and for the
list page (per list: entries matched, suppressed, not-a-match marks, matches in the last week).
"""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from desktop_app.core.domain.hashlists import ListActivity, MatchOutcome, MatchStanding, Standing

WEEK = timedelta(days=7)
EntryIndex = Callable[[str], bytes]


def standings(
    outcome: MatchOutcome,
    index: EntryIndex,
    everywhere: Mapping[bytes, str],
    per_item: Mapping[tuple[str, bytes], str],
) -> list[MatchStanding]:
    """Every stored match of one item, with whether it counts and the reviewer's reason if not.

    ``everywhere`` and ``per_item`` map suppressed entries (and item/entry pairs) to their reason.
    A per-item mark wins over a workspace-wide suppression: it was said about this very item.
    """
    shown = []
    for match in outcome.matches:
        key = index(match.entry_key)
        if (outcome.item_id, key) in per_item:
            shown.append(MatchStanding(match, Standing.NOT_A_MATCH, per_item[(outcome.item_id, key)]))
        elif key in everywhere:
            shown.append(MatchStanding(match, Standing.SUPPRESSED, everywhere[key]))
        else:
            shown.append(MatchStanding(match))
    return shown


def list_activity(
    outcomes: Mapping[str, MatchOutcome],
    written_at: Mapping[str, str],
    index: EntryIndex,
    everywhere: Mapping[bytes, str],
    per_item: Mapping[tuple[str, bytes], str],
    now: datetime,
) -> dict[str, ListActivity]:
    """Per list id: entries and items matched, suppressed entries, not-a-match marks, matches this week.

    "This week" counts items whose stored outcome, holding a match on the list that counts, was
    written in the last 7 days: outcomes are rewritten only when they change, so a flood of new
    matches (a list entry that hits everything) shows here at once.
    """
    entries: dict[str, set[str]] = {}
    items: dict[str, set[str]] = {}
    suppressed: dict[str, set[str]] = {}
    rejected: dict[str, int] = {}
    recent: dict[str, set[str]] = {}
    since = (now - WEEK).isoformat()
    for item_id, outcome in outcomes.items():
        fresh = written_at.get(item_id, "") >= since
        for shown in standings(outcome, index, everywhere, per_item):
            list_id, entry = shown.match.list_id, shown.match.entry_key
            if shown.standing == Standing.SUPPRESSED:
                suppressed.setdefault(list_id, set()).add(entry)
            elif shown.standing == Standing.NOT_A_MATCH:
                rejected[list_id] = rejected.get(list_id, 0) + 1
            else:
                entries.setdefault(list_id, set()).add(entry)
                items.setdefault(list_id, set()).add(item_id)
                if fresh:
                    recent.setdefault(list_id, set()).add(item_id)
    return {
        list_id: ListActivity(
            len(entries.get(list_id, ())),
            len(items.get(list_id, ())),
            len(suppressed.get(list_id, ())),
            rejected.get(list_id, 0),
            len(recent.get(list_id, ())),
        )
        for list_id in entries.keys() | suppressed.keys() | rejected.keys()
    }
