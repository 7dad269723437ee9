"""Finding a document that goes through approval, by its type and key."""

from strawberry.types import Info

from domain.approval import DocumentType


async def load_document(info: Info, document_type: DocumentType, pk: int):
    """The document if the viewer may read it, else None."""
    if document_type is DocumentType.SALES_PLAN:
        return await info.context.loaders.plans.plan.load(pk)
    return None
