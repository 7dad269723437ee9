"""Organisation use cases (admins): departments and salespeople."""

from domain.services.organisation import departments, salespeople  # noqa: F401
