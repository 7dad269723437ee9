"""Plan use cases: drafting (sales_plans), approval transitions (approval), decomposition."""

from domain.services.plans import approval, decomposition, sales_plans  # noqa: F401
