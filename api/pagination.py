"""Relay connections with keyset cursors, loaded for many parents in one SQL statement.

A cursor holds the row's sort value and id, so a page starts exactly after the last row seen
even while rows are added. Pages for many parents (e.g. the plans of 300 salespeople) come from one
query: ROW_NUMBER() over each parent's rows, keeping the first n + 1 (the extra row tells whether
there is a next page).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from api.ids import BadId, bounded_key, decode_cursor, encode_cursor
from api.limits.returned import count_returned

T = TypeVar("T")

# The paging arguments of every connection field, declared once. A resolver takes them as
# `first: First = None, after: After = None, last: Last = None, before: Before = None` and hands
# them to PageRequest.of with the field's PageLimits (whose cap the field description states).
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: at most this many rows from the start (or from `after`). "
        "Default and maximum are in the field's description; not together with `last`."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this cursor (an `endCursor` or edge `cursor` of this same list)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: at most this many rows from the end (or from `before`). "
        "Default and maximum are in the field's description; not together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="End before this cursor (a `startCursor` or edge `cursor` of this same list)."
    ),
]


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when rows follow this page (forward) or `before` was given (backward)."
    )
    has_previous_page: bool = strawberry.field(
        description="True when rows precede this page (backward) or `after` was given (forward)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="A node and its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The object at this position of the list.")
    # Encoded only when asked for: clients reading `nodes` never pay for cursors.
    cursor_from: strawberry.Private[Callable[[], str]]

    @strawberry.field(description="Opaque position; pass as `after` or `before`.")
    def cursor(self) -> str:
        return self.cursor_from()


@strawberry.type(description="One page of a list, with keyset cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The page's objects in list order, each with its cursor; empty past the end."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more rows follow or precede, and the cursors to fetch them."
    )
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many rows the whole list has (with the same filters).")
    async def total_count(self) -> int:
        return await self.count()


@dataclass(frozen=True)
class PageLimits:
    """Default and maximum page size of one connection field."""

    default: int = 50
    maximum: int = 100

    def describe(self, what: str) -> str:
        return f"{what} `first`/`last` default to {self.default} and may be at most {self.maximum}."


@dataclass(frozen=True)
class PageRequest:
    """The paging arguments of one connection field, checked and hashable (a loader key part)."""

    size: int
    forward: bool
    after: tuple | None = None
    before: tuple | None = None

    @classmethod
    def of(
        cls,
        limits: PageLimits,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> "PageRequest":
        """Validate; a bad argument is a request error (top-level `errors`), not business data."""
        if first is not None and last is not None:
            raise GraphQLError("Give `first` or `last`, not both.")
        size = first if first is not None else last if last is not None else limits.default
        if size < 0 or size > limits.maximum:
            raise GraphQLError(f"`first`/`last` must be between 0 and {limits.maximum}.")
        try:
            after_key = tuple(decode_cursor(after)) if after else None
            before_key = tuple(decode_cursor(before)) if before else None
        except BadId as e:
            raise GraphQLError(str(e)) from e
        return cls(size, last is None, after_key, before_key)


@dataclass(frozen=True)
class SortOrder:
    """A sort column with the primary key as the unique tie-breaker."""

    column: Any
    id_column: Any
    descending: bool = False

    def cursor_of(self, row) -> str:
        value = row._mapping[self.column.key]
        if isinstance(value, date | datetime):
            value = value.isoformat()
        return encode_cursor([value, row._mapping[self.id_column.key]])

    def _typed(self, value):
        column_type = self.column.type
        # A TypeDecorator (e.g. UtcDateTime) reports `object`; its implementation knows better.
        python_type = getattr(column_type, "impl_instance", column_type).python_type
        if python_type is datetime:
            return datetime.fromisoformat(value)
        if python_type is date:
            return date.fromisoformat(value)
        if python_type is int:
            return bounded_key(value)
        return python_type(value)

    def beyond(self, key: tuple, descending: bool) -> ColumnElement[bool]:
        """Rows strictly after `key` in the given direction."""
        try:
            value, pk = self._typed(key[0]), bounded_key(key[1])
        except (TypeError, ValueError) as e:
            raise GraphQLError("not a valid cursor for this list") from e
        if self.column is self.id_column:
            return self.id_column < pk if descending else self.id_column > pk
        if descending:
            return or_(self.column < value, and_(self.column == value, self.id_column < pk))
        return or_(self.column > value, and_(self.column == value, self.id_column > pk))

    def clauses(self, descending: bool) -> list:
        if descending:
            return [self.column.desc(), self.id_column.desc()]
        return [self.column.asc(), self.id_column.asc()]


def page_statement(
    base: Select,
    order: SortOrder,
    page: PageRequest,
    parent_column=None,
    parent_ids: Sequence[int] = (),
) -> Select:
    """One statement for the page of every parent (or the single list when no parent column)."""
    conditions = []
    if page.after is not None:
        conditions.append(order.beyond(page.after, order.descending))
    if page.before is not None:
        conditions.append(order.beyond(page.before, not order.descending))
    # Backward pages read the list from the end, then are flipped back (see Page.of).
    reading_descending = order.descending if page.forward else not order.descending
    stmt = base.where(*conditions)
    if parent_column is None:
        return stmt.order_by(*order.clauses(reading_descending)).limit(page.size + 1)
    rank = (
        func.row_number()
        .over(partition_by=parent_column, order_by=order.clauses(reading_descending))
        .label("page_rank")
    )
    ranked = stmt.where(parent_column.in_(parent_ids)).add_columns(rank).subquery()
    return (
        select(ranked)
        .where(ranked.c.page_rank <= page.size + 1)
        .order_by(ranked.c[parent_column.key], ranked.c.page_rank)
    )


def connection_of(
    rows: Sequence,
    page: PageRequest,
    order: SortOrder,
    make_node: Callable[[Any], T],
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """Turn up to size + 1 rows read by page_statement into a Connection."""
    more = len(rows) > page.size
    rows = list(rows[: page.size])
    if not page.forward:
        rows.reverse()
    edges = [RowEdge(make_node(r), r, order) for r in rows]
    count_returned(len(edges))  # the operation's actualNodes
    return Connection(
        edges=edges,
        page_info=EdgesPageInfo(
            more if page.forward else page.before is not None,
            more if not page.forward else page.after is not None,
            edges,
        ),
        count=count,
    )


# A page of a large read makes thousands of edges and pageInfos whose cursors nobody asks for
# (clients reading `nodes`): these encode a cursor only when it is read. They are the same
# GraphQL types (fields are read as attributes); only their Python classes are lighter.


class RowEdge(Edge):
    """An Edge of a row read by page_statement: its cursor encoded from the row when asked."""

    def __init__(self, node, row, order: SortOrder) -> None:
        self.node = node
        self._row = row
        self._order = order

    def cursor_from(self) -> str:
        return self._order.cursor_of(self._row)


class EdgesPageInfo(PageInfo):
    """A PageInfo whose start and end cursors are the first and last edges' cursors, encoded
    when read."""

    def __init__(self, has_next_page: bool, has_previous_page: bool, edges: list) -> None:
        self.has_next_page = has_next_page
        self.has_previous_page = has_previous_page
        self._edges = edges

    @property
    def start_cursor(self) -> str | None:
        return self._edges[0].cursor() if self._edges else None

    @property
    def end_cursor(self) -> str | None:
        return self._edges[-1].cursor() if self._edges else None
