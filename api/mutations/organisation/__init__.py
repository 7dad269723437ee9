"""Mutations of the organisation (admins): departments and salespeople."""
