"""Finding a document that goes through approval, by its type and key."""

from strawberry.types import Info

from domain.approvals.chains import DocumentType


async def load_document(info: Info, document_type: DocumentType, pk: int):
    """The document if the viewer may read it, else None."""
    if document_type is DocumentType.SALES_PLAN:
        return await info.context.loaders.plans.plan.load(pk)
    if document_type is DocumentType.SALES_ORDER:
        return await info.context.loaders.orders.order.load(pk)
    if document_type is DocumentType.STOCK_IN:
        return await info.context.loaders.stock.stock_in.load(pk)
    if document_type is DocumentType.DELIVERY_REPORT:
        return await info.context.loaders.reports.report.load(pk)
    return None
