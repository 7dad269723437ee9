"""Mutations of the approvals area; each module's name matches its use cases' in domain.services.approvals."""
