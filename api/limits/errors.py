"""Every error a client sees carries `extensions.code`; an unexpected one says only "Internal
error." and an `errorId`, and its stack trace is logged once under that id.

Strawberry would log every error with its traceback (a mistyped decimal too); here only
unexpected ones are logged as errors, the client's own mistakes at debug level.
"""

import logging
import uuid

from graphql import GraphQLError, GraphQLSyntaxError

from api.limits import codes

log = logging.getLogger("salesplan.errors")

INTERNAL_MESSAGE = "Internal error."


def is_unexpected(error: GraphQLError) -> bool:
    """Raised by something other than a deliberate GraphQLError: in a resolver (the error has a
    path), or around the whole operation (no location either). A scalar refusing a literal
    during validation has a location and keeps its message."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not error.nodes


def new_error_id() -> str:
    return uuid.uuid4().hex


def log_internal(error_id: str, exception: BaseException, where: str) -> None:
    """The one log record of an unexpected failure, with its stack trace."""
    log.error(
        "internal error %s in %s: %s: %s",
        error_id,
        where,
        type(exception).__name__,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__),
    )


def answer_errors(errors: list[GraphQLError], operation_name: str | None = None) -> None:
    """Give each error a code, in place; mask and log unexpected ones."""
    for error in errors:
        extensions = dict(error.extensions or {})
        if extensions.get("code"):
            continue
        if is_unexpected(error):
            error_id = new_error_id()
            where = ".".join(str(p) for p in error.path) if error.path else "the operation"
            log_internal(error_id, error.original_error, f"{operation_name or '-'}: {where}")
            error.message = INTERNAL_MESSAGE
            extensions = {"code": codes.INTERNAL_ERROR, "errorId": error_id}
        elif isinstance(error, GraphQLSyntaxError):
            extensions["code"] = codes.GRAPHQL_PARSE_FAILED
        else:
            # Validation errors were coded when validation ended (api.limits.operation); what is
            # left is about arguments and variables: coercion, page sizes, cursors.
            extensions["code"] = codes.BAD_USER_INPUT
            log.debug("refused: %s", error.message)
        error.extensions = extensions


def mark_validation_errors(errors: list[GraphQLError] | None) -> None:
    """Code the errors graphql-core's validation found (before answer_errors sees them)."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": codes.GRAPHQL_VALIDATION_FAILED}
