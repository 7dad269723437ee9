"""Which subscribers an event may concern, found through what they filter by.

A subscriber that names one document, a customer, an approver or a role is filed under each
(stream type, event field, value) it names: ("SalesOrder", "document_id", 42),
("SalesOrder", "customer_id", 7), (None, "assignees", 12) for any stream type. An event then
looks up only the keys it carries: for every field some subscriber of its stream type filters
by, the event's value (each item, when the field holds a tuple). So an event costs nothing for
the subscribers of other documents, however many there are.

Subscribers that name nothing (a staff dashboard: "every order I may read") are kept apart, by
stream type, and are all candidates for every event of their types; their `accepts` (which
applies the viewer's scope) decides.

The fields are those of the typed events (domain.events): a new subscription filters on any
event field by naming it in its Interest's keys, nothing to register here.
"""

from collections import Counter
from collections.abc import Collection, Hashable, Iterable
from typing import TYPE_CHECKING

from domain.events import DocumentEvent

if TYPE_CHECKING:
    from api.live.hub import Subscriber

DOCUMENT = "document_id"  # the field a one-document subscription ("SalesOrder:42") is filed under
MULTIPLE = (tuple, list, frozenset, set)  # fields whose every item is a key of the event


def index_keys(subscriber: "Subscriber") -> list[tuple]:
    """The index entries a subscriber is filed under; empty for one that names nothing."""
    interest = subscriber.interest
    types: Iterable[str | None] = interest.stream_types or (None,)
    if interest.stream is not None:
        # One document: the most selective key; the hub checks any `keys` besides.
        stream_type, _, pk = interest.stream.partition(":")
        return [(stream_type, DOCUMENT, int(pk))]
    return [(stream_type, field, value) for stream_type in types for field, value in interest.keys]


class SubscriberIndex:
    def __init__(self) -> None:
        self._filed: dict[tuple, set[Subscriber]] = {}
        # Per stream type (None: any type), the event fields some subscriber filters by.
        self._fields: dict[str | None, Counter[str]] = {}
        self._unfiltered: dict[str | None, set[Subscriber]] = {}
        self.count = 0

    def add(self, subscriber: "Subscriber") -> None:
        self.count += 1
        keys = index_keys(subscriber)
        if not keys:
            for stream_type in subscriber.interest.stream_types or (None,):
                self._unfiltered.setdefault(stream_type, set()).add(subscriber)
            return
        for key in keys:
            filed = self._filed.get(key)
            if filed is None:
                filed = self._filed[key] = set()
                self._fields.setdefault(key[0], Counter())[key[1]] += 1
            filed.add(subscriber)

    def remove(self, subscriber: "Subscriber") -> None:
        keys = index_keys(subscriber)
        removed = False
        if not keys:
            for stream_type in subscriber.interest.stream_types or (None,):
                members = self._unfiltered.get(stream_type)
                if members is not None and subscriber in members:
                    members.remove(subscriber)
                    removed = True
                    if not members:
                        del self._unfiltered[stream_type]
        for key in keys:
            filed = self._filed.get(key)
            if filed is None or subscriber not in filed:
                continue
            filed.remove(subscriber)
            removed = True
            if not filed:
                del self._filed[key]
                fields = self._fields[key[0]]
                fields[key[1]] -= 1
                if not fields[key[1]]:
                    del fields[key[1]]
                    if not fields:
                        del self._fields[key[0]]
        if removed:
            self.count -= 1

    def candidates(self, event: DocumentEvent) -> Collection["Subscriber"]:
        """The subscribers filed under a key of this event, and those that name nothing."""
        found: list[set[Subscriber]] = []
        stream_type = event.STREAM
        for filed_type in (stream_type, None):
            fields = self._fields.get(filed_type)
            if fields:
                for field in fields:
                    for value in event_values(event, field):
                        filed = self._filed.get((filed_type, field, value))
                        if filed:
                            found.append(filed)
            unfiltered = self._unfiltered.get(filed_type)
            if unfiltered:
                found.append(unfiltered)
        if not found:
            return ()
        if len(found) == 1:
            return found[0]
        return set().union(*found)


def event_values(event: DocumentEvent, field: str) -> Iterable[Hashable]:
    value = getattr(event, field, None)
    if value is None:
        return ()
    if isinstance(value, MULTIPLE):
        return value
    return (value,)
