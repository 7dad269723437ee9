"""What typed clients (TypeScript codegen) see: approval documents are one small interface, not
any Node; lists that grow are connections; bounded lists say their bound."""

from pathlib import Path

from graphql import GraphQLList, GraphQLNonNull, build_schema

SCHEMA = build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
APPROVABLE = {"SalesPlan", "SalesOrder", "StockIn", "DeliveryReport"}


def named(field_type):
    while isinstance(field_type, GraphQLNonNull | GraphQLList):
        field_type = field_type.of_type
    return field_type


def test_an_approval_document_is_one_of_the_approvable_types_only():
    interface = SCHEMA.get_type("ApprovableDocument")
    assert {t.name for t in SCHEMA.get_possible_types(interface)} == APPROVABLE
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
