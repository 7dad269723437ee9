"""Authentication without SQL on most requests (api.identities), and every change of a user's
access still taking effect on the very next request."""

from types import SimpleNamespace

from tests.api.accounts.sign_in_helpers import LOGOUT, WHO, as_bearer, tokens_for
from tests.api.lookups import user_global_id

ROLES = "{ viewer { roles } }"
TYPENAME = "{ __typename }"


async def signed_in(client_for, login: str):
    anonymous = await client_for(None)
    return as_bearer(anonymous, (await tokens_for(anonymous, login))["accessToken"])


async def refused(client, query: str = WHO) -> bool:
    response = await client.post(query)
    body = response.json()
    return response.status_code == 401 and body["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


async def test_a_token_sent_again_is_authenticated_without_sql(demo, client_for, count_statements):
    sales = await signed_in(client_for, "sales")
    with count_statements() as first:
        assert (await sales.execute(TYPENAME)) == {"__typename": "Query"}
    with count_statements() as again:
        assert (await sales.execute(TYPENAME)) == {"__typename": "Query"}
    # The sign-in's session, the user and their place in the organisation, then nothing.
    assert first.count >= 2
    assert again.count == 0, again.statements


async def test_signing_out_refuses_the_token_on_the_next_request(demo, client_for):
    sales = await signed_in(client_for, "sales")
    assert (await sales.execute(WHO))["viewer"]["user"]["login"] == "sales"
    assert (await sales.execute(WHO))["viewer"]["user"]["login"] == "sales"  # now remembered
    data = await sales.execute(LOGOUT, {"input": {}})
    assert data["authLogout"] == {"signedOut": True, "errors": []}
    assert await refused(sales)


async def test_an_admin_deactivating_a_user_refuses_their_token_at_once(demo, client_for):
    sales, admin = await signed_in(client_for, "sales"), await client_for("admin")
    assert (await sales.execute(WHO))["viewer"]["user"]["login"] == "sales"
    data = await admin.execute(
        "mutation($input: UserActionInput!) { userDeactivate(input: $input) { "
        "user { active } errors { code } } }",
        {"input": {"id": await user_global_id(demo, "sales")}},
    )
    assert data["userDeactivate"] == {"user": {"active": False}, "errors": []}
    assert await refused(sales)


async def test_an_admin_revoking_sessions_refuses_the_token_at_once(demo, client_for):
    sales, admin = await signed_in(client_for, "sales"), await client_for("admin")
    assert (await sales.execute(WHO))["viewer"]["user"]["login"] == "sales"
    data = await admin.execute(
        "mutation($input: UserSessionsRevokeInput!) { userSessionsRevoke(input: $input) { "
        "sessionsEnded errors { code } } }",
        {"input": {"id": await user_global_id(demo, "sales")}},
    )
    assert data["userSessionsRevoke"] == {"sessionsEnded": 1, "errors": []}
    assert await refused(sales)


async def test_new_roles_apply_from_the_next_request(demo, client_for):
    planner, admin = await signed_in(client_for, "planner"), await client_for("admin")
    assert (await planner.execute(ROLES))["viewer"]["roles"] == ["PLANNER"]
    data = await admin.execute(
        "mutation($input: UserUpdateInput!) { userUpdate(input: $input) { "
        "user { roles } errors { code } } }",
        {
            "input": {
                "id": await user_global_id(demo, "planner"),
                "roles": ["PLANNER", "REPORTING"],
            }
        },
    )
    assert data["userUpdate"] == {"user": {"roles": ["PLANNER", "REPORTING"]}, "errors": []}
    assert (await planner.execute(ROLES))["viewer"]["roles"] == ["PLANNER", "REPORTING"]


async def test_while_the_broker_is_down_every_request_reads_the_database(
    demo, client_for, server, count_statements, monkeypatch
):
    sales = await signed_in(client_for, "sales")
    await sales.execute(TYPENAME)
    # A broker that stopped answering: other processes' changes would arrive only by polling.
    monkeypatch.setattr(server.hub.broker, "outage", SimpleNamespace(since=1.0), raising=False)
    with count_statements() as counter:
        assert (await sales.execute(TYPENAME)) == {"__typename": "Query"}
    assert counter.count >= 2
