"""Mutations of the reports area; each module's name matches its use cases' in
domain.services.reports."""
