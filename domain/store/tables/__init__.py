"""SQLModel tables, one module per area. Importing this package registers every table's metadata."""

from sqlmodel import SQLModel

from domain.store.tables.accounts import (
    RefreshToken,
    SignInSession,
    SignInThrottle,
    UserCredential,
)
from domain.store.tables.approval import ApprovalPolicy, ApprovalPolicyStep, ApprovalStep
from domain.store.tables.catalogue import Product
from domain.store.tables.customers import CustomerAccount
from domain.store.tables.events import Event, IdempotentRequest
from domain.store.tables.forecasts import (
    DemandHistory,
    Forecast,
    ForecastAdjustment,
    ForecastLine,
    ForecastLineSource,
    ForecastPolicy,
)
from domain.store.tables.mrp import (
    BomLine,
    Item,
    MrpRun,
    MrpRunItem,
    Supplier,
    SupplierPrice,
)
from domain.store.tables.orders import PriceFloor, SalesOrder, SalesOrderLine
from domain.store.tables.organisation import AppUser, Company, Customer, Department, Salesperson
from domain.store.tables.plans import SalesPlan, SalesPlanLine
from domain.store.tables.reports import DeliveryReport, DeliveryReportLateOrder
from domain.store.tables.returns import SalesReturn, SalesReturnLine
from domain.store.tables.shipments import Shipment, ShipmentLine, TrackingEvent
from domain.store.tables.stock import StockBalance, StockIn, StockMovement

metadata = SQLModel.metadata

__all__ = [
    "AppUser",
    "ApprovalPolicy",
    "ApprovalPolicyStep",
    "ApprovalStep",
    "BomLine",
    "Company",
    "Customer",
    "CustomerAccount",
    "DeliveryReport",
    "DeliveryReportLateOrder",
    "DemandHistory",
    "Department",
    "Event",
    "Forecast",
    "ForecastAdjustment",
    "ForecastLine",
    "ForecastLineSource",
    "ForecastPolicy",
    "IdempotentRequest",
    "Item",
    "MrpRun",
    "MrpRunItem",
    "PriceFloor",
    "Product",
    "RefreshToken",
    "SalesOrder",
    "SalesOrderLine",
    "SalesPlan",
    "SalesPlanLine",
    "SalesReturn",
    "SalesReturnLine",
    "Salesperson",
    "Shipment",
    "ShipmentLine",
    "SignInSession",
    "SignInThrottle",
    "StockBalance",
    "StockIn",
    "StockMovement",
    "Supplier",
    "SupplierPrice",
    "TrackingEvent",
    "UserCredential",
    "metadata",
]
