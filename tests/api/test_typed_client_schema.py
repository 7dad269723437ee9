"""What typed clients (TypeScript codegen) see: approval documents are one small interface, not
any Node; lists that grow are connections; bounded lists say their bound; the plain lists that
clients read before those connections came stay, deprecated, with their old types."""

from pathlib import Path

from graphql import GraphQLList, GraphQLNonNull, build_schema

SCHEMA = build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
APPROVABLE = {"SalesPlan", "Forecast", "SalesOrder", "StockIn", "DeliveryReport"}


def named(field_type):
    while isinstance(field_type, GraphQLNonNull | GraphQLList):
        field_type = field_type.of_type
    return field_type


def test_an_approval_document_is_one_of_the_approvable_types_only():
    interface = SCHEMA.get_type("ApprovableDocument")
    implementers = {t.name for t in SCHEMA.get_possible_types(interface)}
    # Forecast joins once the forecast API is in the schema.
    assert APPROVABLE - {"Forecast"} <= implementers <= APPROVABLE
    for owner in ("ApprovalTask", "ApprovalTaskAssignment"):
        assert named(SCHEMA.get_type(owner).fields["document"].type) is interface


async def test_every_task_document_of_the_demo_is_an_approvable_type_with_its_id(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    data = await vp.execute(
        "{ viewer { approvalTasks(first: 100) { nodes { document { __typename id } } } } }"
    )
    documents = [n["document"] for n in data["viewer"]["approvalTasks"]["nodes"]]
    assert len(documents) == 28
    assert {d["__typename"] for d in documents} <= APPROVABLE
    assert all(d["id"] for d in documents)


GROWING = {
    ("SalesPlan", "historyConnection"),
    ("SalesOrder", "historyConnection"),
    ("SalesOrder", "shipmentsConnection"),
    ("SalesOrder", "returnsConnection"),
    ("StockIn", "historyConnection"),
    ("DeliveryReport", "historyConnection"),
    ("Shipment", "trackingEventsConnection"),
}
# The plain lists as clients read them before their connections came (schema of 5d44fc3^), each
# with the type it had then. Delivery reports were new in the same wave: no list kept for them.
DEPRECATED_LISTS = {
    ("SalesPlan", "history"): "[HistoryEntry!]!",
    ("SalesOrder", "history"): "[HistoryEntry!]",
    ("SalesOrder", "shipments"): "[Shipment!]!",
    ("SalesOrder", "returns"): "[SalesReturn!]!",
    ("StockIn", "history"): "[HistoryEntry!]!",
    ("Shipment", "trackingEvents"): "[TrackingEvent!]!",
}
BOUNDED = {
    ("ApprovalPolicy", "steps"),
    ("ApprovalPolicyStep", "levels"),
    ("SalesPlan", "steps"),
    ("SalesPlan", "rollup"),
    ("SalesPlan", "allocationGap"),
    ("SalesOrder", "steps"),
    ("SalesOrder", "specialApprovalReasons"),
    ("StockIn", "steps"),
    ("DeliveryReport", "steps"),
    ("Shipment", "lines"),
    ("SalesReturn", "lines"),
    ("Customer", "priceFloors"),
    ("Viewer", "roles"),
}


def test_lists_that_grow_are_connections_with_their_page_cap_described():
    for owner, name in GROWING:
        field = SCHEMA.get_type(owner).fields[name]
        assert named(field.type).name.endswith("Connection"), (owner, name)
        assert {"first", "after", "last", "before"} <= set(field.args), (owner, name)
        assert "may be at most 100" in field.description, (owner, name)


def test_the_lists_clients_read_before_stay_with_their_old_type_deprecated_for_the_connection():
    for (owner, name), old_type in DEPRECATED_LISTS.items():
        field = SCHEMA.get_type(owner).fields[name]
        assert str(field.type) == old_type, (owner, name)
        assert not field.args, (owner, name)
        assert field.deprecation_reason.startswith(f"Use {name}Connection: "), (owner, name)
        assert (owner, f"{name}Connection") in GROWING
    assert "history" not in SCHEMA.get_type("DeliveryReport").fields


def test_bounded_lists_say_their_bound():
    for owner, name in BOUNDED:
        field = SCHEMA.get_type(owner).fields[name]
        assert not named(field.type).name.endswith("Connection")
        assert "at most" in field.description.lower(), (owner, name)


HISTORY = """query($id: ID!, $after: String) { salesPlan(id: $id) {
  historyConnection(first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { sequence action } } } }"""


async def test_a_history_is_read_page_by_page_with_cursors(demo_readonly, client_for):
    from tests.api.plans_helpers import plan_id

    vp = await client_for("vp")
    pid = await plan_id(demo_readonly, "status = 'APPROVED' AND owner_kind = 'COMPANY'")
    seen, after = [], None
    while True:
        page = (await vp.execute(HISTORY, {"id": pid, "after": after}))["salesPlan"][
            "historyConnection"
        ]
        assert len(page["nodes"]) <= 1
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] >= 3
    assert [entry["sequence"] for entry in seen] == list(range(1, len(seen) + 1))
    assert seen[0]["action"] == "CREATED" and seen[-1]["action"] == "APPROVED"

    last_two = await vp.execute(
        "query($id: ID!) { salesPlan(id: $id) { historyConnection(last: 2) { nodes { sequence } } } }",
        {"id": pid},
    )
    assert [e["sequence"] for e in last_two["salesPlan"]["historyConnection"]["nodes"]] == [
        len(seen) - 1,
        len(seen),
    ]
    too_many = await vp.post(
        "query($id: ID!) { salesPlan(id: $id) { historyConnection(first: 101) { totalCount } } }",
        {"id": pid},
    )
    assert (
        "at most 100" in too_many.json()["errors"][0]["message"]
        or "between 0 and 100" in (too_many.json()["errors"][0]["message"])
    )
