"""Stock-in refusals: posting before approval, approving out of turn, bad requests and a
rejection without a reason; none of them changes anything."""

from decimal import Decimal

from domain.services.stock.stock_in import (
    StockInApprove,
    StockInPost,
    StockInReject,
    StockInRequest,
)
from tests.api.orders_helpers import on_hand


async def request(services, code: str, quantity: str, qc: str = "QC-1"):
    product = await services.by_code("product", code)
    return await services.ok(StockInRequest(product, Decimal(quantity), qc), "planner")


async def test_a_stock_in_is_posted_only_after_approval_and_approved_only_by_its_approver(
    demo, services
):
    stock_in = await request(services, "P0001", "5")
    assert await services.refused_codes(StockInPost(stock_in.id), "planner") == [
        "INVALID_TRANSITION"
    ]
    assert await services.refused_codes(StockInApprove(stock_in.id), "planner") == ["FORBIDDEN"]


async def test_a_stock_in_needs_a_qc_reference_and_a_positive_quantity(demo_readonly, services):
    product = await services.by_code("product", "P0001")
    for quantity, qc, field in (("5", " ", "qcReference"), ("0", "QC-2", "quantity")):
        command = StockInRequest(product, Decimal(quantity), qc)
        codes = await services.refused_codes(command, "planner")
        assert codes in (["REQUIRED"], ["INVALID"]), field


async def test_a_rejected_stock_in_never_reaches_stock(demo, services):
    before = await on_hand(demo, "P0008")
    stock_in = await request(services, "P0008", "40", "QC-77")
    assert await services.refused_codes(StockInReject(stock_in.id, comment=" "), "vp") == [
        "REQUIRED"
    ]
    rejected = await services.ok(StockInReject(stock_in.id, comment="QC report unsigned"), "vp")
    assert rejected.status.value == "REJECTED"
    steps = await services.rows(
        "SELECT s.name, s.state, u.login FROM approval_step s LEFT JOIN app_user u ON u.id = s.acted_by "
        "WHERE s.document_type = 'STOCK_IN' AND s.document_id = :id",
        id=stock_in.id,
    )
    assert steps == [("VP in charge", "REJECTED", "vp")]
    assert await on_hand(demo, "P0008") == before
