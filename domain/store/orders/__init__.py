"""Persistence of orders, shipments and returns: row scoping, line progress, shared reads and writes."""
