"""Use cases, one package per area (plans, approvals, orders, stock), run through the pipeline
(domain.services.pipeline). Importing this package registers every command's handler."""

from domain.services import approvals, orders, plans, stock  # noqa: F401
