"""Account use cases: signing in and out, refreshing, changing passwords, administering users."""

from domain.services.accounts import sign_in, users  # noqa: F401
