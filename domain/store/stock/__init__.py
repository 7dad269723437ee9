"""Persistence of stock: the ledger."""
