"""Every error a client sees has `extensions.code`; an unexpected failure says only "Internal
error." with an `errorId`, and its stack trace is logged once under that id; a client's own
mistakes are logged without a traceback."""

import logging

import pytest

from tests.conftest import snapshot

CREATE = """mutation($input: SalesPlanCreateInput!) {
  salesPlanCreate(input: $input) { salesPlan { id } errors { code field message } } }"""


def plan_input(quantity) -> dict:
    return {
        "ownerId": "U2FsZXNwZXJzb246MQ==",
        "granularity": "QUARTER",
        "periodStart": "2027-01-01",
        "title": "Q1",
        "lines": [{"productId": "UHJvZHVjdDox", "period": "2027-01-01", "quantity": quantity}],
    }


def codes_of(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def tracebacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("quantity", ["1e20", "NaN", "ten", 1e20, "-Infinity", True])
async def test_a_decimal_out_of_range_is_bad_user_input_and_logs_no_traceback(
    demo, client_for, caplog, quantity
):
    sales = await client_for("sales")
    before = await snapshot(demo)
    body = (await sales.post(CREATE, {"input": plan_input(quantity)})).json()
    assert body["data"] is None
    assert codes_of(body) == ["BAD_USER_INPUT"]
    assert "Decimal" in body["errors"][0]["message"]
    assert tracebacks(caplog) == []
    assert await snapshot(demo) == before


async def test_syntax_and_validation_errors_are_coded(demo_readonly, client_for):
    vp = await client_for("vp")
    assert codes_of((await vp.post("{ viewer { ")).json()) == ["GRAPHQL_PARSE_FAILED"]
    body = (await vp.post("{ viewer { noSuchField } }")).json()
    assert codes_of(body) == ["GRAPHQL_VALIDATION_FAILED"]
    body = (await vp.post("query($n: Int!) { products(first: $n) { nodes { code } } }")).json()
    assert codes_of(body) == ["BAD_USER_INPUT"]  # a required variable is missing
    body = (await vp.post('{ products(after: "not a cursor") { nodes { code } } }')).json()
    assert codes_of(body) == ["BAD_USER_INPUT"]


async def test_a_partner_grouping_the_execution_report_by_salesperson_is_forbidden(
    demo_readonly, client_for
):
    partner = await client_for("partner")
    for grouping in ("SALESPERSON", "DEPARTMENT"):
        body = (
            await partner.post(
                f"{{ orderExecutionReport(groupBy: {grouping}) {{ total {{ orderedQuantity }} }} }}"
            )
        ).json()
        assert body["data"] is None
        assert codes_of(body) == ["FORBIDDEN"]


async def test_an_unexpected_failure_is_an_internal_error_logged_once_with_its_id(
    demo_readonly, client_for, caplog, monkeypatch
):
    import api.queries

    async def broken(info, global_id):
        raise RuntimeError("SELECT secret FROM somewhere -- driver detail")

    monkeypatch.setattr(api.queries, "load_node", broken)
    vp = await client_for("vp")
    with caplog.at_level(logging.INFO):
        body = (await vp.post('{ node(id: "Q29tcGFueTox") { id } }')).json()
    (error,) = body["errors"]
    assert error["message"] == "Internal error."
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in str(body)
    error_id = error["extensions"]["errorId"]
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].levelno == logging.ERROR
    assert logged[0].exc_info[0] is RuntimeError
    assert len(tracebacks(caplog)) == 1


async def test_an_exception_outside_graphql_is_a_coded_500_logged_once(
    demo_readonly, client_for, caplog, monkeypatch
):
    from api.app import GraphQLView

    async def broken(self, request, response):
        raise RuntimeError("connection string postgres://secret")

    monkeypatch.setattr(GraphQLView, "get_context", broken)
    vp = await client_for("vp")
    response = await vp.post("{ viewer { roles } }")
    assert response.status_code == 500
    (error,) = response.json()["errors"]
    assert (error["message"], error["extensions"]["code"]) == ("Internal error.", "INTERNAL_ERROR")
    assert "secret" not in response.text
    logged = [r for r in tracebacks(caplog) if error["extensions"]["errorId"] in r.getMessage()]
    assert len(logged) == 1
    assert len(tracebacks(caplog)) == 1
