"""How many nodes the resolvers of the operation being executed returned (`actualNodes`).

A mutable counter per operation in a ContextVar: the tasks the operation starts (DataLoader
batches) copy the context, so they add to the same counter. Outside an operation that counts
(subscription events), nothing is counted.
"""

from contextvars import ContextVar, Token

_returned: ContextVar[list[int] | None] = ContextVar("returned_nodes", default=None)


def start_counting() -> Token:
    """Count returned nodes from here on in this task and the tasks it starts."""
    return _returned.set([0])


def stop_counting(token: Token) -> int:
    counter = _returned.get()
    _returned.reset(token)
    return counter[0] if counter else 0


def count_returned(n: int) -> None:
    """Called where a page or a list of nodes is made (api.pagination, Query.nodes)."""
    counter = _returned.get()
    if counter is not None:
        counter[0] += n


def returned_so_far() -> int | None:
    """The count of the operation being executed, or None outside one."""
    counter = _returned.get()
    return None if counter is None else counter[0]


def set_returned(n: int | None) -> None:
    """Put the count back (api.compiled: an abandoned compiled answer counted nodes the
    standard executor then counts again)."""
    counter = _returned.get()
    if counter is not None and n is not None:
        counter[0] = n
