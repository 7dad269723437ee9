"""Order use cases: sales orders, customers and price floors, shipments, returns."""

from domain.services.orders import customers, returns, sales_orders, shipments  # noqa: F401
