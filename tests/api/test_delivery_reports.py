"""Delivery reports over HTTP: generated figures equal the execution summary's for the same
month, lines and day; approval through the DELIVERY_REPORT policy (the VP in charge) behaves
like plans' (tasks, typed errors, CONFLICT, events); an approved report never changes, and
generating again makes a new revision."""

from sqlalchemy import text

from api.ids import to_global_id
from tests.api.live_client import live, token_of
from tests.api.lookups import global_id

EXECUTION_FIGURES = """orderedQuantity orderedAmount shippedQuantity shippedAmount
deliveredQuantity deliveredAmount returnedQuantity returnedAmount outstandingQuantity
outstandingAmount lines linesDue linesOnTimeInFull onTimeInFullRate deliveries late
Deliveries averageDaysLate""".replace("late\nDeliveries", "lateDeliveries")
REPORT_FIELDS = f"""
  id number period asOf revision status version comment
  company {{ code }} department {{ code }}
  figures {{ asOf {EXECUTION_FIGURES} }}
  ordersCount ordersDue ordersOnTimeInFull ordersLate ordersOutstanding orderOnTimeInFullRate
  worstLateOrders {{ rank daysLate linesLate reason detail orderStatus undeliveredQuantity
                     inTransitQuantity outstandingQuantity outstandingAmount
                     order {{ id }} customer {{ code }} }}
  currentStep {{ name approver {{ login }} }}
  steps {{ name state approver {{ login }} actedBy {{ login }} comment }}
  historyConnection {{ nodes {{ sequence action fromStatus toStatus comment actor {{ login }} }} }}
  generatedBy {{ login }}
"""
GENERATE = f"""
mutation($input: DeliveryReportGenerateInput!) {{
  deliveryReportGenerate(input: $input) {{
    deliveryReport {{ {REPORT_FIELDS} }} errors {{ code message field }} }}
}}
"""
ACTION = """
mutation($input: DeliveryReport{Name}Input!) {{
  deliveryReport{Verb}(input: $input) {{
    deliveryReport {{ {fields} }} errors {{ code message field }} }}
}}
"""
EXECUTION = f"""
query($where: OrderExecutionWhereInput, $asOf: Date) {{
  orderExecutionReport(groupBy: PERIOD, where: $where, asOf: $asOf) {{
    total {{ asOf {EXECUTION_FIGURES} }}
    rows {{ nodes {{ period }} }}
  }}
}}
"""
JULY = "2026-07-01"


def action(verb: str) -> str:
    name = "Reject" if verb == "Reject" else "Action"
    return ACTION.format(Name=name, Verb=verb, fields=REPORT_FIELDS)


async def company_id(engine) -> str:
    async with engine.connect() as conn:
        pk = (await conn.execute(text("SELECT id FROM company"))).scalar_one()
    return to_global_id("Company", pk)


async def generate(client, scope: str, period: str = JULY, **extra) -> dict:
    data = await client.execute(GENERATE, {"input": {"period": period, "scopeId": scope, **extra}})
    return data["deliveryReportGenerate"]


async def act(client, verb: str, **fields) -> dict:
    data = await client.execute(action(verb), {"input": fields})
    return data[f"deliveryReport{verb}"]


async def test_the_reports_figures_equal_the_execution_summary_for_the_same_month(
    live_demo, client_for
):
    planner = await client_for("planner")
    for scope, where in (
        (await company_id(live_demo), {}),
        (
            await global_id(live_demo, "Department", "D001"),
            {"departmentId": await global_id(live_demo, "Department", "D001")},
        ),
    ):
        result = await generate(planner, scope)
        assert result["errors"] == []
        report = result["deliveryReport"]
        assert (report["status"], report["revision"], report["period"]) == ("DRAFT", 1, JULY)
        assert report["asOf"] == "2026-07-31"  # July is over: judged against its last day
        summary = (
            await planner.execute(
                EXECUTION,
                {
                    "where": {"promisedFrom": JULY, "promisedTo": "2026-07-31", **where},
                    "asOf": report["asOf"],
                },
            )
        )["orderExecutionReport"]
        assert report["figures"] == summary["total"]
        assert [r["period"] for r in summary["rows"]["nodes"]] == [JULY]
        assert report["figures"]["lines"] > 0
    # The company's July has due, late and outstanding orders: the figures are not trivial.
    company_report = (await generate(planner, await company_id(live_demo), "2026-08-01"))[
        "deliveryReport"
    ]
    assert company_report["ordersDue"] > 0
    assert company_report["ordersLate"] > 0
    assert (
        company_report["ordersOnTimeInFull"] + company_report["ordersLate"]
        == (company_report["ordersDue"])
    )


async def test_worst_late_orders_come_with_reasons_latest_first(live_demo, client_for):
    planner = await client_for("planner")
    report = (await generate(planner, await company_id(live_demo), "2026-08-01"))["deliveryReport"]
    late = report["worstLateOrders"]
    assert late, "the demo has late orders in August"
    assert [o["rank"] for o in late] == list(range(1, len(late) + 1))
    days = [o["daysLate"] for o in late]
    assert days == sorted(days, reverse=True)
    assert len(late) == min(10, report["ordersLate"])
    for entry in late:
        assert entry["reason"] in {
            "NOT_YET_PRODUCED",
            "AWAITING_SHIPMENT",
            "CLOSED_SHORT",
            "IN_TRANSIT",
            "DELIVERED_LATE",
        }
        assert entry["detail"].startswith(f"{entry['linesLate']} of ")
        assert entry["order"] is not None and entry["customer"]["code"].startswith("C")


async def test_submit_approve_goes_through_the_vp_in_charge_with_tasks_and_history(
    live_demo, client_for
):
    planner, vp = await client_for("planner"), await client_for("vp")
    report = (await generate(planner, await company_id(live_demo), comment="July on track"))[
        "deliveryReport"
    ]
    submitted = await act(
        planner, "Submit", id=report["id"], expectedVersion=report["version"], comment="please"
    )
    assert submitted["errors"] == []
    submitted = submitted["deliveryReport"]
    assert submitted["status"] == "SUBMITTED"
    assert submitted["currentStep"] == {"name": "VP in charge", "approver": {"login": "vp"}}
    tasks = await vp.execute(
        "{ viewer { approvalTasks(first: 50) { nodes { step { name } document { id "
        "... on DeliveryReport { status period } } } } } }"
    )
    documents = [t["document"] for t in tasks["viewer"]["approvalTasks"]["nodes"]]
    assert {"id": report["id"], "status": "SUBMITTED", "period": JULY} in documents
    approved = await act(vp, "Approve", id=report["id"], expectedVersion=submitted["version"])
    assert approved["errors"] == []
    approved = approved["deliveryReport"]
    assert approved["status"] == "APPROVED"
    assert approved["currentStep"] is None
    assert [(s["name"], s["state"], s["actedBy"]["login"]) for s in approved["steps"]] == [
        ("VP in charge", "APPROVED", "vp")
    ]
    assert [
        (h["action"], h["fromStatus"], h["toStatus"], h["actor"]["login"], h["comment"])
        for h in approved["historyConnection"]["nodes"]
    ] == [
        ("GENERATED", None, "DRAFT", "planner", "July on track"),
        ("SUBMITTED", "DRAFT", "SUBMITTED", "planner", "please"),
        ("APPROVED", "SUBMITTED", "APPROVED", "vp", None),
    ]
    assert approved["figures"] == report["figures"]  # a snapshot: approval changes no figure
    tasks = await vp.execute(
        "{ viewer { approvalTasks(first: 50) { nodes { document { id } } } } }"
    )
    assert {"id": report["id"]} not in [
        t["document"] for t in tasks["viewer"]["approvalTasks"]["nodes"]
    ]


async def snapshot_of(engine) -> tuple:
    async with engine.connect() as conn:
        reports = (
            await conn.execute(
                text("SELECT id, status, version, approval_round FROM delivery_report ORDER BY id")
            )
        ).all()
        events = (await conn.execute(text("SELECT count(*) FROM event"))).scalar_one()
        steps = (await conn.execute(text("SELECT id, state FROM approval_step ORDER BY id"))).all()
    return reports, events, steps


async def test_refusals_are_typed_and_change_nothing(live_demo, client_for):
    planner, vp, manager, sales, partner, report_user = [
        await client_for(x) for x in ("planner", "vp", "manager", "sales", "partner", "report")
    ]
    company = await company_id(live_demo)
    draft = (await generate(planner, company))["deliveryReport"]
    before = await snapshot_of(live_demo)
    cases = [
        (vp, "Approve", {"id": draft["id"]}, ("INVALID_TRANSITION", ["input", "id"])),
        (vp, "Submit", {"id": draft["id"]}, ("FORBIDDEN", ["input", "id"])),
        (sales, "Submit", {"id": draft["id"]}, ("NOT_FOUND", ["input", "id"])),
        (partner, "Submit", {"id": draft["id"]}, ("NOT_FOUND", ["input", "id"])),
        (manager, "Submit", {"id": draft["id"]}, ("NOT_FOUND", ["input", "id"])),
        (report_user, "Submit", {"id": draft["id"]}, ("FORBIDDEN", None)),
        (
            planner,
            "Submit",
            {"id": draft["id"], "expectedVersion": draft["version"] + 1},
            ("CONFLICT", ["input", "expectedVersion"]),
        ),
        (
            planner,
            "Submit",
            {"id": to_global_id("DeliveryReport", 999999)},
            ("NOT_FOUND", ["input", "id"]),
        ),
        (planner, "Submit", {"id": to_global_id("SalesPlan", 1)}, ("NOT_FOUND", ["input", "id"])),
    ]
    for client, verb, fields, expected in cases:
        result = await act(client, verb, **fields)
        assert result["deliveryReport"] is None
        assert [(e["code"], e["field"]) for e in result["errors"]] == [expected], (verb, fields)
    refused_generations = [
        (sales, company, ("FORBIDDEN", ["input", "scopeId"])),
        (partner, company, ("NOT_FOUND", ["input", "scopeId"])),
        (vp, company, ("FORBIDDEN", ["input", "scopeId"])),
        (report_user, company, ("FORBIDDEN", None)),
        (
            planner,
            await global_id(live_demo, "Product", "P0001"),
            ("NOT_FOUND", ["input", "scopeId"]),
        ),
    ]
    for client, scope, expected in refused_generations:
        result = await generate(client, scope)
        assert [(e["code"], e["field"]) for e in result["errors"]] == [expected]
    bad_month = await generate(planner, company, "2026-07-15")
    assert [(e["code"], e["field"]) for e in bad_month["errors"]] == [
        ("INVALID", ["input", "period"])
    ]
    future = await generate(planner, company, "2099-01-01")
    assert [(e["code"], e["message"]) for e in future["errors"]] == [
        ("INVALID", "the month has not started yet")
    ]
    assert await snapshot_of(live_demo) == before


async def test_two_approvers_racing_one_wins_and_the_other_gets_conflict(live_demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    report = (await generate(planner, await company_id(live_demo)))["deliveryReport"]
    submitted = (await act(planner, "Submit", id=report["id"]))["deliveryReport"]
    first = await act(vp, "Approve", id=report["id"], expectedVersion=submitted["version"])
    second = await act(
        vp, "Reject", id=report["id"], reason="late", expectedVersion=submitted["version"]
    )
    assert first["errors"] == [] and first["deliveryReport"]["status"] == "APPROVED"
    assert [e["code"] for e in second["errors"]] == ["CONFLICT"]


async def test_an_approved_report_never_changes_and_generating_again_makes_a_new_revision(
    live_demo, client_for
):
    planner, vp = await client_for("planner"), await client_for("vp")
    company = await company_id(live_demo)
    report = (await generate(planner, company))["deliveryReport"]
    await act(planner, "Submit", id=report["id"])
    approved = (await act(vp, "Approve", id=report["id"]))["deliveryReport"]
    for client, verb, fields in (
        (planner, "Submit", {}),
        (vp, "Approve", {}),
        (vp, "Reject", {"reason": "changed my mind"}),
    ):
        result = await act(client, verb, id=report["id"], **fields)
        assert [e["code"] for e in result["errors"]] == ["INVALID_TRANSITION"]
    second = await generate(planner, company, comment="with the late August returns")
    assert second["errors"] == []
    assert (second["deliveryReport"]["revision"], second["deliveryReport"]["status"]) == (
        2,
        "DRAFT",
    )
    again = await planner.execute(
        f"query($id: ID!) {{ deliveryReport(id: $id) {{ {REPORT_FIELDS} }} }}", {"id": report["id"]}
    )
    assert again["deliveryReport"] == approved
    # Generating again while revision 2 is a draft supersedes it; while submitted, it is refused.
    third = (await generate(planner, company))["deliveryReport"]
    assert third["revision"] == 3
    old = await planner.execute(
        "query($id: ID!) { deliveryReport(id: $id) { status historyConnection { nodes { action } } } }",
        {"id": second["deliveryReport"]["id"]},
    )
    assert old["deliveryReport"]["status"] == "SUPERSEDED"
    assert [h["action"] for h in old["deliveryReport"]["historyConnection"]["nodes"]] == [
        "GENERATED",
        "SUPERSEDED",
    ]
    await act(planner, "Submit", id=third["id"])
    refused = await generate(planner, company)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_TRANSITION", ["input", "scopeId"])
    ]
    listed = await planner.execute(
        "query($where: DeliveryReportWhereInput) { deliveryReports(where: $where) "
        "{ totalCount nodes { revision status } } }",
        {"where": {"period": JULY, "scopeId": company}},
    )
    assert listed["deliveryReports"]["nodes"] == [
        {"revision": 3, "status": "SUBMITTED"},
        {"revision": 2, "status": "SUPERSEDED"},
        {"revision": 1, "status": "APPROVED"},
    ]


async def test_a_rejected_report_keeps_the_reason_and_a_new_revision_may_follow(
    live_demo, client_for
):
    manager, vp = await client_for("manager"), await client_for("vp")
    department = await global_id(live_demo, "Department", "D001")
    report = (await generate(manager, department))["deliveryReport"]
    assert report["department"] == {"code": "D001"}
    await act(manager, "Submit", id=report["id"])
    refused = await act(vp, "Reject", id=report["id"], reason="   ")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("REQUIRED", ["input", "reason"])
    ]
    rejected = (await act(vp, "Reject", id=report["id"], reason="explain order 12"))[
        "deliveryReport"
    ]
    assert rejected["status"] == "REJECTED"
    assert rejected["historyConnection"]["nodes"][-1]["comment"] == "explain order 12"
    assert rejected["steps"][0]["state"] == "REJECTED"
    again = (await generate(manager, department))["deliveryReport"]
    assert again["revision"] == 2


async def test_who_reads_which_reports(live_demo, client_for):
    planner = await client_for("planner")
    company_report = (await generate(planner, await company_id(live_demo)))["deliveryReport"]
    east = (await generate(planner, await global_id(live_demo, "Department", "D001")))[
        "deliveryReport"
    ]
    north = (await generate(planner, await global_id(live_demo, "Department", "D002")))[
        "deliveryReport"
    ]
    query = "query($id: ID!) { node(id: $id) { id } }"
    readers = {
        "vp": {company_report["id"], east["id"], north["id"]},
        "report": {company_report["id"], east["id"], north["id"]},
        "manager": {east["id"]},
        "sales": set(),
        "partner": set(),
    }
    for login, visible in readers.items():
        client = await client_for(login)
        seen = set()
        for report in (company_report, east, north):
            node = (await client.execute(query, {"id": report["id"]}))["node"]
            if node is not None:
                seen.add(node["id"])
        assert seen == visible, login
        listed = await client.execute("{ deliveryReports { nodes { id } } }")
        assert {n["id"] for n in listed["deliveryReports"]["nodes"]} == visible, login


TASKS = """
subscription {
  approvalTaskAssigned { stepName document { id ... on DeliveryReport { status revision } } }
}
"""


async def test_the_vp_is_told_live_when_a_report_waits_for_them(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    report = (await generate(planner, await company_id(live_demo)))["deliveryReport"]
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(TASKS)
        await act(planner, "Submit", id=report["id"])
        task = (await client.next_data())["approvalTaskAssigned"]
    assert task == {
        "stepName": "VP in charge",
        "document": {"id": report["id"], "status": "SUBMITTED", "revision": 1},
    }
