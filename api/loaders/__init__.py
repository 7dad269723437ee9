"""Request-scoped DataLoaders, one module per area; `Loaders` bundles a request's set."""

from functools import cached_property

from api.loaders.approval import ApprovalLoaders
from api.loaders.catalogue import CatalogueLoaders
from api.loaders.forecasts import ForecastLoaders
from api.loaders.mrp import MrpLoaders
from api.loaders.orders import OrderLoaders
from api.loaders.organisation import OrganisationLoaders
from api.loaders.plans import PlanLoaders
from api.loaders.reading import ReadDB
from api.loaders.reports import ReportLoaders
from api.loaders.shipments import ShipmentLoaders
from api.loaders.stock import StockLoaders
from domain.access import Actor


class Loaders:
    """All loaders of one request (or of one subscription event): never shared between users.

    Each area's group is made on first use: a subscription event that needs none costs nothing.
    """

    def __init__(self, db: ReadDB, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    @cached_property
    def organisation(self) -> OrganisationLoaders:
        return OrganisationLoaders(self.db, self.actor)

    @cached_property
    def catalogue(self) -> CatalogueLoaders:
        return CatalogueLoaders(self.db, self.actor)

    @cached_property
    def plans(self) -> PlanLoaders:
        return PlanLoaders(self.db, self.actor, self.catalogue)

    @cached_property
    def approval(self) -> ApprovalLoaders:
        return ApprovalLoaders(self.db, self.actor)

    @cached_property
    def orders(self) -> OrderLoaders:
        return OrderLoaders(self.db, self.actor, self.catalogue)

    @cached_property
    def shipments(self) -> ShipmentLoaders:
        return ShipmentLoaders(self.db, self.actor, self.catalogue)

    @cached_property
    def stock(self) -> StockLoaders:
        return StockLoaders(self.db, self.actor)

    @cached_property
    def reports(self) -> ReportLoaders:
        return ReportLoaders(self.db, self.actor)

    @cached_property
    def mrp(self) -> MrpLoaders:
        return MrpLoaders(self.db, self.actor)

    @cached_property
    def forecasts(self) -> ForecastLoaders:
        return ForecastLoaders(self.db, self.actor, self.catalogue)


__all__ = ["Loaders", "ReadDB"]
