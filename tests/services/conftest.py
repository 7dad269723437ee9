"""The services tier: use cases run through `UseCases.handle` as a demo user, against the test
database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), without a web server.

Refusals and validation are tested here; tests/api keeps what only the API shows (payload
shapes, global ids, error mapping, authentication, websockets, idempotency).
"""

import pytest

import domain.services  # noqa: F401  (registers every command's handler)
from domain.services.pipeline import UseCases
from tests.services.helpers import Services


@pytest.fixture(scope="session")
def use_cases(engine) -> UseCases:
    return UseCases(engine)


@pytest.fixture
def services(engine, use_cases) -> Services:
    """Runs commands as demo users; ask for `demo` or `demo_readonly` for the data."""
    return Services(engine, use_cases)
