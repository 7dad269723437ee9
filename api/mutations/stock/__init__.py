"""Mutations of the stock area; each module's name matches its use cases' in domain.services.stock."""
