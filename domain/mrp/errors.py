"""Why the engine refuses an input: typed errors with a code, raised before anything is computed.

The caller (the MRP run use case) turns them into business errors; `field` names the input array
and `index` the first offending entry, so a message can point at the item or BOM line.
"""

from collections.abc import Sequence


class MrpInputError(Exception):
    """An input the engine cannot plan with."""

    code = "INVALID"

    def __init__(self, message: str, field: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index


class HorizonTooLong(MrpInputError):
    code = "HORIZON_TOO_LONG"


class NegativeQuantityPer(MrpInputError):
    code = "NEGATIVE_QUANTITY_PER"


class QuantityOutOfRange(MrpInputError):
    """A quantity (given, or computed for an item) at or above quantities.LIMIT."""

    code = "QUANTITY_OUT_OF_RANGE"


class BomCycle(MrpInputError):
    """The BOM is not a tree: `items` go into each other, each the parent of the next, and the
    last the parent of the first."""

    code = "BOM_CYCLE"

    def __init__(self, items: Sequence[int]) -> None:
        self.items = tuple(int(i) for i in items)
        path = " → ".join(str(i) for i in (*self.items, self.items[0]))
        super().__init__(f"BOM cycle through items {path}", field="bom")
