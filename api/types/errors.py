"""Business errors as data: every payload carries `errors` (empty on success)."""

import strawberry

from api.types.enums import described_enum
from domain.errors import DomainError, ErrorCode

ErrorCodeEnum = described_enum(
    ErrorCode,
    name="ErrorCode",
    description="Why an action was refused. `message` says it for a person and `field` points "
    "at the input at fault; nothing changed.",
    values={
        ErrorCode.NOT_FOUND: "No such object, or one outside your reach (the two look alike).",
        ErrorCode.FORBIDDEN: "You may see the object but may not do this to it.",
        ErrorCode.INVALID: "A value is out of its bounds or malformed (see `field`, `message`).",
        ErrorCode.REQUIRED: "A value that must be given is missing or blank.",
        ErrorCode.DUPLICATE: "The same thing is given twice, or already exists (e.g. a code).",
        ErrorCode.INVALID_TRANSITION: "The action is not allowed from the object's current status.",
        ErrorCode.CONFLICT: "Someone changed the object first (`expectedVersion` is stale, or "
        "another approver acted): reload and retry.",
        ErrorCode.READ_ONLY: "The object is past its editable status (e.g. the lines of a "
        "submitted plan or order); an approved plan changes through salesPlanRevise.",
        ErrorCode.ALLOCATION_UNBALANCED: "The child plans do not add up to the parent's targets "
        "(see `allocationGap`; submit with acceptAllocationGap to accept it).",
        ErrorCode.INSUFFICIENT_STOCK: "On-hand stock is short for the quantity to dispatch.",
        ErrorCode.EXCEEDS_OUTSTANDING: "More than is left to ship on an order line.",
        ErrorCode.EXCEEDS_DELIVERED: "More than was delivered and not yet returned, on a return.",
        ErrorCode.NO_APPROVED_PLANS: "No approved sales plan of the scope covers the periods "
        "asked for: there is nothing to forecast from.",
        ErrorCode.INVALID_CREDENTIALS: "Wrong login or password, or a refresh token that is "
        "unknown, expired, already used or of an ended session (sign in again).",
        ErrorCode.TOO_MANY_ATTEMPTS: "Too many failed sign-ins: wait the seconds the message "
        "gives.",
        ErrorCode.BOM_CYCLE: "The BOM would contain a cycle; the message names its items, "
        "parent first.",
        ErrorCode.NEGATIVE_QUANTITY_PER: "A BOM line's quantity per is below zero.",
        ErrorCode.MISSING_LEAD_TIME: "An item MRP plans would have no lead time (its own, or for "
        "a BUY item its preferred supplier's); the message names the items.",
        ErrorCode.HORIZON_TOO_LONG: "An MRP horizon of more than 104 buckets.",
        ErrorCode.NO_APPROVED_FORECAST: "MRP runs on an APPROVED forecast; this one is not.",
        ErrorCode.FORECAST_SUPERSEDED: "The forecast was superseded by a newer approved one.",
        ErrorCode.RUN_IN_PROGRESS: "An MRP run of that forecast is QUEUED or RUNNING: a second "
        "one is refused, not queued.",
    },
)


@strawberry.interface(description="A refused part of a mutation.")
class UserError:
    code: ErrorCodeEnum = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="For a person to read.")
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "lines", "2", '
        '"quantity"]; null when the error is about the whole action.'
    )

    @classmethod
    def of(cls, error: DomainError):
        """The GraphQL error of a domain error, as this concrete error type."""
        return cls(
            code=error.code,
            message=error.message,
            field=list(error.field) if error.field else None,
        )


@strawberry.type(description="Why a sales plan action was refused.")
class SalesPlanError(UserError):
    pass


@strawberry.type(description="Why a forecast action was refused.")
class ForecastError(UserError):
    pass
