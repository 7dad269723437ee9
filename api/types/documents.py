"""Documents that go through approval: their interface, and finding one by its type and key."""

import strawberry
from strawberry.types import Info

from api.types.node import Node
from domain.approvals.chains import DocumentType


@strawberry.interface(
    description="A document that goes through an approval chain, as an approval task or an "
    "`approvalTaskAssigned` event shows it: a SalesPlan, a Forecast, a SalesOrder (special "
    "approval), a StockIn or a DeliveryReport. Select the fields of each with `... on SalesPlan "
    "{ ... }`; more document types may implement it later, so keep a default branch."
)
class ApprovableDocument(Node):
    pass


async def load_document(info: Info, document_type: DocumentType, pk: int):
    """The document if the viewer may read it, else None."""
    if document_type is DocumentType.SALES_PLAN:
        return await info.context.loaders.plans.plan.load(pk)
    if document_type is DocumentType.FORECAST:
        return await info.context.loaders.forecasts.forecast.load(pk)
    if document_type is DocumentType.SALES_ORDER:
        return await info.context.loaders.orders.order.load(pk)
    if document_type is DocumentType.STOCK_IN:
        return await info.context.loaders.stock.stock_in.load(pk)
    if document_type is DocumentType.DELIVERY_REPORT:
        return await info.context.loaders.reports.report.load(pk)
    return None
