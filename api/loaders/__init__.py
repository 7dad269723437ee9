"""Request-scoped DataLoaders, one module per area; `Loaders` bundles a request's set."""

from api.loaders.approval import ApprovalLoaders
from api.loaders.catalogue import CatalogueLoaders
from api.loaders.organisation import OrganisationLoaders
from api.loaders.plans import PlanLoaders
from api.loaders.reading import ReadDB
from domain.access import Actor


class Loaders:
    """All loaders of one request (or of one subscription event): never shared between users."""

    def __init__(self, db: ReadDB, actor: Actor) -> None:
        self.organisation = OrganisationLoaders(db, actor)
        self.catalogue = CatalogueLoaders(db, actor)
        self.plans = PlanLoaders(db, actor, self.catalogue)
        self.approval = ApprovalLoaders(db, actor)


__all__ = ["Loaders", "ReadDB"]
