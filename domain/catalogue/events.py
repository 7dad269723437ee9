"""The events of products ("Product:<id>"): CREATED or UPDATED, with the input fields that
changed."""

from dataclasses import dataclass

from domain.events import DocumentEvent


@dataclass(frozen=True, kw_only=True)
class ProductEvent(DocumentEvent):
    STREAM = "Product"

    code: str
    changes: tuple[str, ...] = ()
