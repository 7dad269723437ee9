"""Business errors as data: every payload carries `errors` (empty on success)."""

import strawberry

from domain.errors import DomainError, ErrorCode

ErrorCodeEnum = strawberry.enum(
    ErrorCode,
    name="ErrorCode",
    description=(
        "Why an action was refused. NOT_FOUND also covers objects outside your reach; "
        "FORBIDDEN means you see it but may not do this; INVALID_TRANSITION: not allowed from "
        "the current status; CONFLICT: someone changed it first (reload, retry); READ_ONLY: the "
        "object cannot change any more; ALLOCATION_UNBALANCED: children do not add up to the "
        "parent's targets; INSUFFICIENT_STOCK: on-hand stock is short; EXCEEDS_OUTSTANDING: "
        "more than is left to ship on an order line; EXCEEDS_DELIVERED: more than was "
        "delivered (returns)."
    ),
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
