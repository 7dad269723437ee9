"""Catalogue use cases (admins): products."""

from domain.services.catalogue import products  # noqa: F401
