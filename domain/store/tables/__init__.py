"""SQLModel tables, one module per area. Importing this package registers every table's metadata."""

from sqlmodel import SQLModel

from domain.store.tables.approval import ApprovalPolicy, ApprovalPolicyStep, ApprovalStep
from domain.store.tables.catalogue import Product
from domain.store.tables.events import Event, IdempotentRequest
from domain.store.tables.organisation import AppUser, Company, Customer, Department, Salesperson
from domain.store.tables.plans import SalesPlan, SalesPlanLine

metadata = SQLModel.metadata

__all__ = [
    "AppUser",
    "ApprovalPolicy",
    "ApprovalPolicyStep",
    "ApprovalStep",
    "Company",
    "Customer",
    "Department",
    "Event",
    "IdempotentRequest",
    "Product",
    "SalesPlan",
    "SalesPlanLine",
    "Salesperson",
    "metadata",
]
