"""Reads and writes of the reports: plan vs actual (grouped in SQL) and delivery reports."""
