"""The business: organisation, plans, approvals, forecast and MRP maths, orders. Knows nothing of GraphQL."""
