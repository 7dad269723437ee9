"""The plan hierarchy: every plan belongs to one node, a company, a department or a salesperson."""

from enum import Enum


class OwnerKind(Enum):
    """Which node of the plan hierarchy a plan belongs to."""

    COMPANY = "COMPANY"
    DEPARTMENT = "DEPARTMENT"
    SALESPERSON = "SALESPERSON"


# A plan's children in the hierarchy are one level down.
CHILD_KIND = {OwnerKind.COMPANY: OwnerKind.DEPARTMENT, OwnerKind.DEPARTMENT: OwnerKind.SALESPERSON}
