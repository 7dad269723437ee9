"""Persistence of sales plans: row scoping and the reads and writes use cases share."""
