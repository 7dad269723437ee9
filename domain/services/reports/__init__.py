"""Report use cases: delivery reports (交付情况汇报) and their approval."""

from domain.services.reports import delivery_reports  # noqa: F401
