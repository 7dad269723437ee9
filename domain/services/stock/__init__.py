"""Stock use cases: finished-goods stock-ins."""

from domain.services.stock import stock_in  # noqa: F401
