"""Business error codes: every refused action is one of these, returned as data in a payload."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
    """Why a business action was refused."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    READ_ONLY = "READ_ONLY"
    ALLOCATION_UNBALANCED = "ALLOCATION_UNBALANCED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    EXCEEDS_OUTSTANDING = "EXCEEDS_OUTSTANDING"
    EXCEEDS_DELIVERED = "EXCEEDS_DELIVERED"
    NO_APPROVED_PLANS = "NO_APPROVED_PLANS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    # MRP master data and runs
    BOM_CYCLE = "BOM_CYCLE"
    NEGATIVE_QUANTITY_PER = "NEGATIVE_QUANTITY_PER"
    MISSING_LEAD_TIME = "MISSING_LEAD_TIME"
    HORIZON_TOO_LONG = "HORIZON_TOO_LONG"
    NO_APPROVED_FORECAST = "NO_APPROVED_FORECAST"
    FORECAST_SUPERSEDED = "FORECAST_SUPERSEDED"
    RUN_IN_PROGRESS = "RUN_IN_PROGRESS"


@dataclass(frozen=True)
class DomainError:
    """One refused part of an action; `field` is the input path it is about, if any."""

    code: ErrorCode
    message: str
    field: tuple[str, ...] | None = None


class DomainRefusal(Exception):
    """Raised inside a use case to abandon it; the unit of work rolls back and the errors are returned."""

    def __init__(self, *errors: DomainError) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


def refuse(code: ErrorCode, message: str, *field: str) -> DomainRefusal:
    """A refusal of one error, to raise: `raise refuse(ErrorCode.FORBIDDEN, "...", "input", "id")`."""
    return DomainRefusal(DomainError(code, message, tuple(field) if field else None))


def refuse_if_any(errors: Sequence[DomainError]) -> None:
    """Raise the collected errors, if there are any."""
    if errors:
        raise DomainRefusal(*errors)
