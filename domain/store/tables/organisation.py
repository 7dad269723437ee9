"""The organisation: company → department → salesperson, users and customers (partners).

Links to a user are kept on the organisation side (a department names its manager and its VP in
charge, a salesperson names their login), so the foreign keys have no cycle.
"""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import String
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import UtcDateTime, utcnow


class AppUser(SQLModel, table=True):
    """A login. `roles` holds role names separated by spaces (see domain.access.Role)."""

    __tablename__ = "app_user"
    NOUN: ClassVar[str] = "user"  # how refusals name it

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_type=String(64), unique=True)
    display_name: str = Field(sa_type=String(200))
    roles: str = Field(sa_type=String(200))
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Customer(SQLModel, table=True):
    """A partner company that buys; its portal users see only its own orders."""

    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    contact_name: str | None = Field(default=None, sa_type=String(200))
    contact_email: str | None = Field(default=None, sa_type=String(200))


class Company(SQLModel, table=True):
    __tablename__ = "company"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    general_manager_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The VP in charge of sales: approves company-level documents.
    vp_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class Department(SQLModel, table=True):
    __tablename__ = "department"
    NOUN: ClassVar[str] = "department"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    manager_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    vp_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Salesperson(SQLModel, table=True):
    __tablename__ = "salesperson"
    NOUN: ClassVar[str] = "salesperson"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    email: str | None = Field(default=None, sa_type=String(200))
    user_id: int | None = Field(default=None, foreign_key="app_user.id", unique=True)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
