"""Item names for the custody log: what the log view and histories show instead of hex ids."""

from typing import Protocol

from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError


class ListsItems(Protocol):
    """Anything that lists the workspace's items (``ItemService``)."""

    def list_items(self) -> list[Item]: ...  # noqa: D102 - documented by the service


def item_names(items: ListsItems) -> dict[str, str]:
    """Item ids and their content (blob) ids, each to the item's name. Runs in a worker.

    Empty when the items cannot be read (a damaged log or record): the log then shows ids, and the
    problem is reported by what read the log, not hidden behind a missing name.
    """
    names: dict[str, str] = {}
    try:
        listed = items.list_items()
    except EvidenceDeskError:
        return names
    for item in listed:
        names[item.item_id] = item.display_name
        if item.blob_id:
            names[item.blob_id] = item.display_name
    return names
