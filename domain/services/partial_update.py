"""What administration use cases share: fields left as they are (KEEP), text checked against its
bounds, and the set of changes applied to a versioned row in one step."""

from domain.errors import ErrorCode, refuse
from domain.plans.lines import MONEY_STEP
from domain.store.uow import UnitOfWork

KEEP = object()  # "leave as it is" in an update (None clears a field)


def required_text(value, limit: int, *field: str):
    """Trimmed text of 1–`limit` characters (KEEP passes through)."""
    if value is KEEP:
        return KEEP
    text = (value or "").strip()
    if not text:
        raise refuse(ErrorCode.REQUIRED, "required", *field)
    if len(text) > limit:
        raise refuse(ErrorCode.INVALID, f"at most {limit} characters", *field)
    return text


def optional_text(value, limit: int, *field: str):
    """Trimmed text of at most `limit` characters, None when empty (KEEP passes through)."""
    if value is KEEP or value is None:
        return value
    text = value.strip()
    if len(text) > limit:
        raise refuse(ErrorCode.INVALID, f"at most {limit} characters", *field)
    return text or None


def money(value, *field: str):
    """A price: ≥ 0 with at most 2 decimals (KEEP passes through)."""
    if value is KEEP:
        return KEEP
    if value is None or value < 0 or value != value.quantize(MONEY_STEP):
        raise refuse(ErrorCode.INVALID, "must be ≥ 0 with at most 2 decimals", *field)
    return value


class Changes:
    """The columns an update really changes, and the input names of those fields (for events)."""

    def __init__(self, row) -> None:
        self.row = row
        self.values: dict = {}
        self.fields: list[str] = []

    def set(self, input_name: str, attribute: str, value) -> None:
        if value is KEEP or getattr(self.row, attribute) == value:
            return
        self.values[attribute] = value
        self.fields.append(input_name)

    def mark(self, input_name: str) -> None:
        """A change made elsewhere (another table) that still belongs to this row's update."""
        if input_name not in self.fields:
            self.fields.append(input_name)

    async def apply(self, uow: UnitOfWork, expected_version: int | None) -> None:
        """Write the changes and raise the version; CONFLICT on a stale `expected_version` even
        when nothing changes."""
        if self.values or self.fields:
            await uow.change(self.row, expected_version, **self.values)
        elif expected_version is not None and expected_version != self.row.version:
            await uow.change(self.row, expected_version)  # raises CONFLICT
