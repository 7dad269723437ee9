"""Parsed and validated documents, kept per process and keyed by the document's text.

Clients send the same few documents over and over (an app has a fixed set of operations); parsing
and validating one costs more than executing a small query. So the parsed document of a text is
kept, and once it has passed graphql-core's validation it is not validated again: validation
depends only on the document and the schema, never on variables or the viewer.

Bounded (MAX_DOCUMENTS, MAX_CHARACTERS, least recently used first out), so a client sending
endless different documents only evicts others, it cannot grow the memory. Documents that fail to
parse or to validate are not remembered as valid: they go through the whole path every time and
get the same errors as without the cache. The limits of api.limits still judge every request
(they run before this and may refuse a cached document with other settings).
"""

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 500
MAX_CHARACTERS = 4_000_000  # of document text in the cache, all entries together


@dataclass
class Parsed:
    document: DocumentNode
    valid: bool = False  # passed validation once


class DocumentCache:
    """Text (and parse options) → Parsed, least recently used evicted first."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS, max_characters: int = MAX_CHARACTERS):
        self.max_documents = max_documents
        self.max_characters = max_characters
        self._entries: OrderedDict[tuple, Parsed] = OrderedDict()
        self._characters = 0

    def __len__(self) -> int:
        return len(self._entries)

    def parsed(self, text: str, options: dict) -> Parsed | None:
        """The parsed document, from the cache or parsed now; None when the text does not parse
        (the caller's own parse then reports why)."""
        key = (text, *sorted(options.items()))
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        try:
            entry = Parsed(parse(text, **options))
        except GraphQLError:
            return None
        if len(text) > self.max_characters:
            return entry  # used once, never kept
        self._entries[key] = entry
        self._characters += len(text)
        while len(self._entries) > self.max_documents or self._characters > self.max_characters:
            (old_text, *_), _ = self._entries.popitem(last=False)
            self._characters -= len(old_text)
        return entry


DOCUMENTS = DocumentCache()


class CachedDocuments(SchemaExtension):
    """Parsing and validation through DOCUMENTS. Listed after the limits extension, so that a
    refusal of the document's bounds (set before validation) stands."""

    _entry: Parsed | None = None

    def on_parse(self):
        context = self.execution_context
        if context.query and context.graphql_document is None:
            self._entry = DOCUMENTS.parsed(context.query, context.parse_options)
            if self._entry is not None:
                context.graphql_document = self._entry.document
        yield

    def on_validate(self):
        context = self.execution_context
        entry = self._entry
        known_valid = (
            entry is not None
            and entry.valid
            and context.graphql_document is entry.document
            and context.pre_execution_errors is None
        )
        if known_valid:
            context.pre_execution_errors = []  # strawberry validates only when this is None
        yield
        if (
            not known_valid
            and entry is not None
            and context.graphql_document is entry.document
            and context.pre_execution_errors == []
        ):
            entry.valid = True
