"""Authentication over real HTTP: no valid token, no data; only the schema itself is public."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.tokens import issue_token
from tests.conftest import token_for

QUERY = "{ companies { nodes { name } } viewer { roles } }"
ANOTHER_SECRET = "not-the-server-secret-0123456789abcdef0123"


def assert_unauthenticated(response, message: str) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["message"] == message


async def test_a_request_without_a_token_is_refused_with_no_data(demo_readonly, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY)
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Basic dnA6c2VjcmV0", "Token abc", "bearer"],
)
async def test_an_authorization_header_that_is_not_a_bearer_token_counts_as_none(
    demo_readonly, client_for, header
):
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY, headers={"Authorization": header})
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIyIn0."])
async def test_a_garbage_token_is_refused_with_no_data(demo_readonly, client_for, token):
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY, headers={"Authorization": f"Bearer {token}"})
    assert_unauthenticated(response, "Invalid or expired token.")


async def user_id(engine, login: str) -> int:
    async with engine.connect() as conn:
        query = text("SELECT id FROM app_user WHERE login = :login")
        return (await conn.execute(query, {"login": login})).scalar_one()


async def test_an_expired_token_is_refused_with_no_data(demo_readonly, client_for, settings):
    vp_id = await user_id(demo_readonly, "vp")
    expired = token_for(settings, vp_id, "vp", minutes=-1)
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY, headers={"Authorization": f"Bearer {expired}"})
    assert_unauthenticated(response, "Invalid or expired token.")


async def test_a_token_signed_with_another_secret_is_refused_with_no_data(
    demo_readonly, client_for
):
    vp_id = await user_id(demo_readonly, "vp")
    forged = issue_token(vp_id, "vp", ANOTHER_SECRET, timedelta(minutes=5))
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY, headers={"Authorization": f"Bearer {forged}"})
    assert_unauthenticated(response, "Invalid or expired token.")


async def test_a_valid_token_for_a_user_that_does_not_exist_is_refused(
    demo_readonly, client_for, settings
):
    ghost = token_for(settings, 987_654_321, "ghost")
    anonymous = await client_for(None)
    response = await anonymous.post(QUERY, headers={"Authorization": f"Bearer {ghost}"})
    assert_unauthenticated(response, "Invalid or expired token.")


async def test_a_mutation_without_a_token_is_refused_and_changes_nothing(demo_readonly, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post(
        """mutation { salesPlanCreate(input: {ownerId: "Q29tcGFueTox", granularity: YEAR,
            periodStart: "2027-01-01", title: "x"}) { errors { code } } }"""
    )
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )
    vp = await client_for("vp")
    assert (await vp.execute("{ salesPlans { totalCount } }"))["salesPlans"]["totalCount"] == 168


async def test_the_same_query_with_a_valid_token_returns_data(demo_readonly, client_for):
    vp = await client_for("vp")
    data = await vp.execute(QUERY)
    assert data == {
        "companies": {"nodes": [{"name": "Hengda Machinery Co."}]},
        "viewer": {"roles": ["VP"]},
    }


async def test_introspection_works_without_a_token(demo_readonly, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post(
        '{ __schema { queryType { name } mutationType { name } } __type(name: "SalesPlan") { kind } }'
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {
        "__schema": {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}},
        "__type": {"kind": "OBJECT"},
    }


async def test_typename_alone_is_answered_without_a_token(demo_readonly, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post("{ __typename }")
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {"__typename": "Query"}


async def test_introspection_cannot_carry_a_data_field_past_authentication(
    demo_readonly, client_for
):
    anonymous = await client_for(None)
    response = await anonymous.post(
        "{ __schema { queryType { name } } companies { nodes { name } } }"
    )
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )


async def test_an_alias_starting_with_underscores_does_not_pass_as_introspection(
    demo_readonly, client_for
):
    anonymous = await client_for(None)
    response = await anonymous.post("{ __schema: companies { nodes { name } } }")
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )


async def test_an_inline_fragment_does_not_pass_as_introspection(demo_readonly, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post("{ ... on Query { companies { nodes { name } } } }")
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )


async def test_a_fragment_named_like_introspection_does_not_pass_as_introspection(
    demo_readonly, client_for
):
    anonymous = await client_for(None)
    response = await anonymous.post(
        "{ ...__x } fragment __x on Query { companies { nodes { name } } }"
    )
    assert_unauthenticated(
        response, "Authentication required: send 'Authorization: Bearer <token>'."
    )
