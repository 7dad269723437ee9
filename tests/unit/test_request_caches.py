"""The per-process caches of the request path: parsed documents (api.document_cache) and the
actors of recent tokens (api.identities)."""

import asyncio
from types import SimpleNamespace

from api.document_cache import DocumentCache
from api.identities import IdentityCache
from domain.access import Actor, Role


def actor(user_id: int, *roles: Role) -> Actor:
    return Actor(user_id=user_id, login=f"user{user_id}", roles=frozenset(roles), company_id=1)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def started(cache: IdentityCache) -> IdentityCache:
    """A cache as the app runs it: following a hub (here one that never sends anything)."""

    class QuietHub:
        broker = SimpleNamespace(outage=SimpleNamespace(since=None))

        def subscribe(self, _interest):
            return SimpleNamespace(next=asyncio.Event().wait)

        def unsubscribe(self, _subscriber) -> None:
            pass

    cache._hub = QuietHub()
    cache._task = SimpleNamespace(done=lambda: False)
    return cache


# -- documents -----------------------------------------------------------------------------


def test_the_same_text_gives_the_same_parsed_document():
    cache = DocumentCache()
    first = cache.parsed("{ viewer { user { login } } }", {"max_tokens": 5000})
    again = cache.parsed("{ viewer { user { login } } }", {"max_tokens": 5000})
    assert first is again
    assert len(cache) == 1


def test_other_parse_options_parse_again():
    cache = DocumentCache()
    limited = cache.parsed("{ viewer { user { login } } }", {"max_tokens": 5000})
    unlimited = cache.parsed("{ viewer { user { login } } }", {})
    assert limited is not unlimited
    assert len(cache) == 2


def test_a_text_that_does_not_parse_is_not_kept():
    cache = DocumentCache()
    assert cache.parsed("{ viewer { ", {}) is None
    assert len(cache) == 0


def test_the_least_recently_used_document_leaves_first():
    cache = DocumentCache(max_documents=2)
    a = cache.parsed("{ a }", {})
    cache.parsed("{ b }", {})
    assert cache.parsed("{ a }", {}) is a  # used again: now the most recent
    cache.parsed("{ c }", {})
    assert len(cache) == 2
    assert cache.parsed("{ a }", {}) is a
    assert cache.parsed("{ b }", {}) is not None and len(cache) == 2


def test_the_cache_keeps_at_most_its_characters():
    cache = DocumentCache(max_characters=20)
    cache.parsed("{ aaaaaaaaaa }", {})  # 14 characters
    cache.parsed("{ bbbbbbbbbb }", {})  # 28 together: the first leaves
    assert len(cache) == 1
    huge = "{ " + "x " * 20 + "}"  # alone over the bound: parsed, never kept
    assert cache.parsed(huge, {}) is not None
    assert len(cache) == 1


# -- identities ----------------------------------------------------------------------------


def test_an_identity_is_kept_for_its_seconds_only():
    clock = Clock()
    cache = started(IdentityCache(seconds=10, clock=clock))
    cache.put((7, 1), actor(7), cache.generation)
    assert cache.get((7, 1)) == actor(7)
    clock.now += 9.9
    assert cache.get((7, 1)) == actor(7)
    clock.now += 0.1
    assert cache.get((7, 1)) is None


def test_an_event_of_a_user_forgets_that_user_only():
    cache = started(IdentityCache())
    cache.put((7, 1), actor(7), cache.generation)
    cache.put((7, 2), actor(7), cache.generation)
    cache.put((8, 3), actor(8), cache.generation)
    cache.committed([SimpleNamespace(STREAM="User", document_id=7)])
    assert cache.get((7, 1)) is None and cache.get((7, 2)) is None
    assert cache.get((8, 3)) == actor(8)


def test_department_and_salesperson_events_forget_everyone_and_others_nobody():
    cache = started(IdentityCache())
    cache.put((8, 3), actor(8), cache.generation)
    cache.committed([SimpleNamespace(STREAM="SalesPlan", document_id=8)])
    assert cache.get((8, 3)) == actor(8)
    cache.committed([SimpleNamespace(STREAM="Salesperson", document_id=99)])
    assert cache.get((8, 3)) is None
    cache.put((8, 3), actor(8), cache.generation)
    cache.changed("Department", 1)
    assert cache.get((8, 3)) is None


def test_a_read_that_raced_with_a_change_is_not_kept():
    cache = started(IdentityCache())
    generation = cache.generation  # the request starts reading the user...
    cache.committed([SimpleNamespace(STREAM="User", document_id=7)])  # ...a change commits...
    cache.put((7, 1), actor(7), generation)  # ...and what it read is already old
    assert cache.get((7, 1)) is None


def test_nothing_is_kept_before_the_cache_follows_a_hub_or_while_the_broker_is_down():
    cache = IdentityCache()
    cache.put((7, 1), actor(7), cache.generation)
    assert cache.get((7, 1)) is None
    started(cache)
    cache.put((7, 1), actor(7), cache.generation)
    assert cache.get((7, 1)) == actor(7)
    cache._hub.broker.outage.since = 12.0  # the broker stopped answering
    assert cache.get((7, 1)) is None


def test_the_cache_holds_at_most_its_entries():
    cache = started(IdentityCache(max_entries=2))
    for user_id in (1, 2, 3):
        cache.put((user_id, None), actor(user_id), cache.generation)
    assert len(cache) == 2
    assert cache.get((1, None)) is None and cache.get((3, None)) == actor(3)
