"""Mutations of accounts: signing in and out, passwords, and administering users."""
