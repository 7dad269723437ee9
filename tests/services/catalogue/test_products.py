"""Administering products: admins only, unique codes, exact prices, versions and events."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.events import decode_event
from domain.services.catalogue.products import ProductCreate, ProductUpdate
from domain.store.tables import Event
from tests.services.helpers import located


async def test_an_admin_creates_and_reprices_a_product(demo, services):
    product = await services.ok(
        ProductCreate("P0100", "Hydraulic pump HP-300", "pcs", Decimal("2100.00")), "admin"
    )
    assert (product.code, product.list_price, product.version) == ("P0100", Decimal("2100.00"), 1)
    repriced = await services.ok(
        ProductUpdate(product.id, expected_version=1, list_price=Decimal("2150.50")), "admin"
    )
    assert (repriced.list_price, repriced.version) == (Decimal("2150.50"), 2)
    stream = f"Product:{product.id}"
    rows = await services.rows(
        select(Event.type, Event.payload).where(Event.stream == stream).order_by(Event.id)
    )
    events = [decode_event(stream, action, payload) for action, payload in rows]
    assert [(e.action, e.changes) for e in events] == [("CREATED", ()), ("UPDATED", ("listPrice",))]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (ProductCreate("P0001", "Twice", "pcs", Decimal("1")), ("DUPLICATE", ["input", "code"])),
        (ProductCreate("P0101", "", "pcs", Decimal("1")), ("REQUIRED", ["input", "name"])),
        (ProductCreate("P0102", "X", "u" * 17, Decimal("1")), ("INVALID", ["input", "unit"])),
        (ProductCreate("P0103", "X", "pcs", Decimal("-1")), ("INVALID", ["input", "listPrice"])),
        (ProductCreate("P0104", "X", "pcs", Decimal("1.001")), ("INVALID", ["input", "listPrice"])),
        (ProductUpdate(987654, name="X"), ("NOT_FOUND", ["input", "id"])),
    ],
)
async def test_product_rules(demo_readonly, services, command, expected):
    assert located(await services.refused(command, "admin")) == [expected]


async def test_only_admins_administer_products(demo_readonly, services):
    p0001 = await services.by_code("product", "P0001")
    for login in ("planner", "vp", "partner"):
        errors = await services.refused(ProductUpdate(p0001, name="Renamed"), login)
        assert located(errors) == [("FORBIDDEN", ["input"])]
