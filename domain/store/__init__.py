"""Persistence: tables, engine and sessions, the unit of work, migrations and the demo loader."""
