"""The queue's item cache between listings (core/storage/item_cache.py): reuse, and letting go."""

from desktop_app.core.storage.item_cache import ItemCache


class Sealed(bytes):
    """A sealed cell that notes when it is freed."""

    freed: list[bytes] = []

    def __del__(self) -> None:
        Sealed.freed.append(bytes(self))


def _fill(cache: ItemCache, count: int, cell: bytes) -> list[object]:
    items = [object() for _ in range(count)]
    for n, item in enumerate(items):
        cache.put((f"item-{n}", Sealed(cell)), (), item)  # type: ignore[arg-type] - any value will do
    return items


def test_a_settled_generation_lets_go_of_the_one_before_and_still_serves_the_next():
    Sealed.freed.clear()
    first = ItemCache()
    items = _fill(first, 3, b"old")
    second = first.successor()
    assert second.get(("item-1", b"old"), ()) is items[1]
    assert second.get(("item-1", b"sealed again"), ()) is None  # other sealed bytes: decrypt again
    _fill(second, 3, b"new")
    del first  # as the service does: the new generation replaces it, then settles
    second.settle()
    assert Sealed.freed == [b"old"] * 3  # the last listing's rows are let go of, not the new ones
    assert second.get(("item-1", b"old"), ()) is None  # only the next generation looks up now
    assert second.successor().get(("item-1", b"new"), ()) is not None


def test_a_listing_still_running_from_the_same_generation_keeps_its_lookups():
    Sealed.freed.clear()
    first = ItemCache()
    items = _fill(first, 3, b"old")
    done, running = first.successor(), first.successor()
    del first
    _fill(done, 3, b"new")
    done.settle()
    assert Sealed.freed == []  # the other listing still reads them: not emptied under it
    assert running.get(("item-2", b"old"), ()) is items[2]
    running.settle()
    assert Sealed.freed == [b"old"] * 3
