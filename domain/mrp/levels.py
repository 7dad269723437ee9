"""Low-level codes: an item's code is the longest path (in BOM lines) from any top item to it.

Processing codes 0, 1, 2... in order means every parent of an item is planned before the item,
so the item sees all its dependent demand at once. Computed by Kahn's algorithm in rounds: round
r takes every item whose parents all have codes below r, which is exactly the longest path. Items
left over sit on or below a cycle, and one cycle among them is named.
"""

import numpy as np

from domain.mrp.errors import BomCycle


def low_level_codes(n_items: int, parent: np.ndarray, component: np.ndarray) -> np.ndarray:
    """int32[n] codes, or BomCycle naming one cycle's items."""
    codes = np.full(n_items, -1, dtype=np.int32)
    open_parents = np.bincount(component, minlength=n_items)  # parents not yet coded
    ready = np.flatnonzero(open_parents == 0)
    code = 0
    while ready.size:
        codes[ready] = code
        coded_now = np.zeros(n_items, dtype=bool)
        coded_now[ready] = True
        open_parents -= np.bincount(component[coded_now[parent]], minlength=n_items)
        ready = np.flatnonzero((open_parents == 0) & (codes < 0))
        code += 1
    if (codes < 0).any():
        raise BomCycle(_one_cycle(codes < 0, parent, component))
    return codes


def _one_cycle(stuck: np.ndarray, parent: np.ndarray, component: np.ndarray) -> list[int]:
    """A cycle among the stuck items, parent first, starting at its lowest item index.

    Every stuck item has a stuck parent (else it would have been coded), so walking up from any
    stuck item through its lowest stuck parent must come back to an item already seen.
    """
    inner = stuck[parent] & stuck[component]
    lowest_parent: dict[int, int] = {}
    for p, c in sorted(zip(parent[inner].tolist(), component[inner].tolist(), strict=True)):
        lowest_parent.setdefault(c, p)
    walk: list[int] = []
    seen: dict[int, int] = {}
    item = int(np.flatnonzero(stuck)[0])
    while item not in seen:
        seen[item] = len(walk)
        walk.append(item)
        item = lowest_parent[item]
    cycle = walk[seen[item] :][::-1]  # walked child → parent; name it parent → child
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]
