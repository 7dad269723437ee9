"""The events of MRP runs, on their stream "MrpRun:<id>": status changes and progress."""

from dataclasses import dataclass

from domain.events import DocumentEvent, key
from domain.mrp.runs import MrpRunStatus


@dataclass(frozen=True, kw_only=True)
class MrpRunEvent(DocumentEvent):
    """QUEUED (started or retried), RUNNING, PROGRESS, SUCCEEDED or FAILED."""

    STREAM = "MrpRun"

    from_status: MrpRunStatus | None = key("from", always=True)
    to_status: MrpRunStatus | None = key("to", always=True)
    company_id: int
    forecast_id: int
    progress: int  # percent done, 0 to 100
    stage: str | None = None  # what the worker is doing: LOADING, PLANNING, PEGGING, STORING
    reason: str | None = None  # FAILED: why


@dataclass(frozen=True, kw_only=True)
class ItemEvent(DocumentEvent):
    """An item was CREATED or UPDATED; `changes` names the input fields that changed."""

    STREAM = "Item"

    code: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SupplierEvent(DocumentEvent):
    """A supplier was CREATED or UPDATED, or a price of it SET or REMOVED (`item_id`)."""

    STREAM = "Supplier"

    code: str
    changes: tuple[str, ...] = ()
    item_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class BomLineEvent(DocumentEvent):
    """A BOM line was ADDED, UPDATED or REMOVED."""

    STREAM = "BomLine"

    parent_item_id: int
    component_item_id: int
    changes: tuple[str, ...] = ()
