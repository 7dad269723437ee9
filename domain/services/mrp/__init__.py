"""MRP use cases: master data (items, suppliers, BOM lines) and runs; the run's computation is
the `mrp.run` background job (jobs.py)."""

from domain.services.mrp import master_data, runs  # noqa: F401
