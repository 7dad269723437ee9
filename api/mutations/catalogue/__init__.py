"""Mutations of the catalogue (admins): products."""
