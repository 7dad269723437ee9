"""Use cases, one package per area (plans, approvals, orders, stock, reports), run through the pipeline
(domain.services.pipeline). Importing this package registers every command's handler."""

from domain.services import approvals, orders, plans, reports, stock  # noqa: F401
