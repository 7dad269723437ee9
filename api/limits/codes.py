"""The codes of top-level GraphQL errors (`errors[].extensions.code`), one per kind of refusal.

Business refusals are data in mutation payloads (domain.errors.ErrorCode); these are for what
goes wrong before or around a resolver: a malformed request, a limit, authentication, a bug.
"""

from graphql import GraphQLError

# The request itself (HTTP status 4xx; on websockets an error message or a close code).
BAD_REQUEST = "BAD_REQUEST"  # not a JSON object in UTF-8, or fields of the wrong type
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"  # body, document, variables or a string over its limit
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"  # the body did not arrive in time
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_FOUND = "NOT_FOUND"
# The document.
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_FRAGMENTS = "TOO_MANY_FRAGMENTS"
# Arguments and variables: wrong type, out of range, a page size over its cap, a bad cursor.
BAD_USER_INPUT = "BAD_USER_INPUT"
# Cost and rate.
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
RATE_LIMITED = "RATE_LIMITED"
# Who is asking.
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
# A bug or an outage: the message is generic, `errorId` finds the logged stack trace.
INTERNAL_ERROR = "INTERNAL_ERROR"

# HTTP status of a refused request, by code (anything else refused before execution: 400).
HTTP_STATUS = {
    REQUEST_TOO_LARGE: 413,
    REQUEST_TIMEOUT: 408,
    UNSUPPORTED_MEDIA_TYPE: 415,
    METHOD_NOT_ALLOWED: 405,
    NOT_FOUND: 404,
    RATE_LIMITED: 429,
    UNAUTHENTICATED: 401,
    INTERNAL_ERROR: 500,
}


def coded(message: str, code: str, **extensions) -> GraphQLError:
    """A top-level error with its code (and any further extensions, e.g. `retryAfter`)."""
    return GraphQLError(message, extensions={"code": code, **extensions})


def error_document(message: str, code: str, **extensions) -> dict:
    """The response body of a request refused before GraphQL ran."""
    return {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
    }
