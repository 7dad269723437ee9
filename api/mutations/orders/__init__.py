"""Mutations of the orders area; each module's name matches its use cases' in domain.services.orders."""
