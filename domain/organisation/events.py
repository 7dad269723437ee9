"""The events of departments ("Department:<id>") and salespeople ("Salesperson:<id>"): CREATED
or UPDATED, with the input fields that changed. They have no status."""

from dataclasses import dataclass

from domain.events import DocumentEvent


@dataclass(frozen=True, kw_only=True)
class DepartmentEvent(DocumentEvent):
    STREAM = "Department"

    code: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SalespersonEvent(DocumentEvent):
    STREAM = "Salesperson"

    code: str
    department_id: int
    changes: tuple[str, ...] = ()
