"""Persistence of users' credentials, sign-in sessions and failed sign-in counts."""
