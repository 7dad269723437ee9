"""Mutations of MRP: master data (items, suppliers, prices, BOM lines) and runs; each module's
name matches its use cases' in domain.services.mrp."""
