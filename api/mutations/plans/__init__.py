"""Mutations of the plans area; each module's name matches its use cases' in domain.services.plans."""
