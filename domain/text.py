"""Free text from users (comments, reasons, references, notes): trimmed and bounded."""

from domain.errors import ErrorCode, refuse

MAX_COMMENT = 2000


def clean_text(text: str | None, limit: int, *field: str) -> str | None:
    """`text` without surrounding blanks, None when empty; INVALID at `field` when longer than
    `limit` characters."""
    if text is None:
        return None
    text = text.strip()
    if len(text) > limit:
        raise refuse(ErrorCode.INVALID, f"at most {limit} characters", *field)
    return text or None


def clean_comment(text: str | None, *field: str) -> str | None:
    """A comment or reason on a transition: at most MAX_COMMENT characters."""
    return clean_text(text, MAX_COMMENT, *field)
