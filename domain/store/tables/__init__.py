"""SQLModel tables, one module per area. Importing this package registers every table's metadata."""

from sqlmodel import SQLModel

from domain.store.tables.catalogue import Product
from domain.store.tables.organisation import AppUser, Company, Customer, Department, Salesperson
from domain.store.tables.plans import SalesPlan, SalesPlanLine

metadata = SQLModel.metadata

__all__ = [
    "AppUser",
    "Company",
    "Customer",
    "Department",
    "Product",
    "SalesPlan",
    "SalesPlanLine",
    "Salesperson",
    "metadata",
]
