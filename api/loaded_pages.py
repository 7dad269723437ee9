"""Connections over lists a batched loader reads whole for each parent: one document's history,
one order's shipments and returns, one shipment's tracking events.

They grow without bound, so clients page through them like every other list (same arguments,
keyset cursors, page info and total count, and the same cost estimate before execution), while
the reading stays one statement per level for all parents. A cursor holds the row's sort value
and a unique tie-breaker, so a page starts exactly after the last row seen even when rows are
added meanwhile.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from typing import TypeVar

from graphql import GraphQLError

from api.ids import encode_cursor
from api.pagination import Connection, Edge, PageInfo, PageLimits, PageRequest

T = TypeVar("T")

# Histories, shipments, returns and tracking events: a page is cheap, most lists fit in one.
LOADED_PAGES = PageLimits(default=100, maximum=100)


def plain(value):
    """A JSON value that sorts as the original does (ISO text for times, all in UTC)."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def page_of(items: Sequence[T], arguments: tuple, key: Callable[[T], tuple]) -> Connection[T]:
    """The page of `items` (already in list order, ascending by `key`) that the field's
    `first/after/last/before` ask for. `key(item)` is (sort value, unique tie-breaker)."""
    page = PageRequest.of(LOADED_PAGES, *arguments)
    keyed = [([plain(v) for v in key(item)], item) for item in items]
    try:
        if page.after is not None:
            after = list(page.after)
            keyed = [(k, item) for k, item in keyed if k > after]
        if page.before is not None:
            before = list(page.before)
            keyed = [(k, item) for k, item in keyed if k < before]
    except TypeError as e:  # a cursor of another list: values of other types
        raise GraphQLError("not a valid cursor for this list") from e
    if page.forward:
        chosen = keyed[: page.size]
        more = len(keyed) > page.size
    else:
        chosen = keyed[max(len(keyed) - page.size, 0) :]
        more = len(keyed) > page.size
    edges = [Edge(node=item, cursor_from=partial(encode_cursor, k)) for k, item in chosen]
    total = len(items)

    async def count() -> int:
        return total

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more if page.forward else page.before is not None,
            has_previous_page=more if not page.forward else page.after is not None,
            start_cursor=edges[0].cursor() if edges else None,
            end_cursor=edges[-1].cursor() if edges else None,
        ),
        count=count,
    )


def replaced_by(connection: str) -> str:
    """The deprecation reason of a plain list kept for existing clients (partner portals) beside
    the connection that pages the same items (GitHub's and Shopify's way: deprecate, don't break)."""
    return (
        f"Use {connection}: the same items in the same order, in pages of at most "
        f"{LOADED_PAGES.maximum} with cursors and totalCount. This list returns them all at once."
    )
