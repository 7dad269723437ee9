"""Use cases, one package per area, run through the pipeline
(domain.services.pipeline). Importing this package registers every command's handler."""

from domain.services import (  # noqa: F401
    accounts,
    approvals,
    catalogue,
    forecast,
    mrp,
    orders,
    organisation,
    plans,
    reports,
    stock,
)
