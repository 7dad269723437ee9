"""authLogin, authRefresh and authLogout over real HTTP: the tokens they hand out work, rotate,
and stop working when their sign-in ends."""

from datetime import UTC, datetime, timedelta

from tests.api.accounts.sign_in_helpers import (
    LOGIN,
    LOGOUT,
    REFRESH,
    WHO,
    as_bearer,
    login,
    tokens_for,
)


async def test_signing_in_with_the_demo_password_gives_tokens_that_work(demo, client_for):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "vp")
    assert tokens["tokenType"] == "Bearer" and tokens["user"] == {"login": "vp"}
    now = datetime.now(UTC)
    access_expiry = datetime.fromisoformat(tokens["accessTokenExpiresAt"])
    refresh_expiry = datetime.fromisoformat(tokens["refreshTokenExpiresAt"])
    assert timedelta(minutes=14) < access_expiry - now <= timedelta(minutes=15)
    assert timedelta(days=13) < refresh_expiry - now <= timedelta(days=14)
    signed_in = as_bearer(anonymous, tokens["accessToken"])
    assert await signed_in.execute(WHO) == {"viewer": {"user": {"login": "vp"}}}


async def test_a_wrong_password_is_an_error_in_the_payload_not_a_401(demo, client_for):
    anonymous = await client_for(None)
    response = await anonymous.post(LOGIN, {"input": {"login": "vp", "password": "guess"}})
    assert response.status_code == 200
    payload = response.json()["data"]["authLogin"]
    assert payload == {
        "tokens": None,
        "errors": [
            {"code": "INVALID_CREDENTIALS", "message": "wrong login or password", "field": None}
        ],
    }


async def test_what_a_sign_in_nests_is_read_as_the_user_who_signed_in(demo, client_for):
    anonymous = await client_for(None)
    data = await anonymous.execute(
        'mutation { authLogin(input: {login: "sales", password: "salesplan-demo"}) '
        "{ tokens { user { login salesperson { code } managedDepartment { code } } } } }"
    )
    user = data["authLogin"]["tokens"]["user"]
    assert user == {"login": "sales", "salesperson": {"code": "S0001"}, "managedDepartment": None}


async def test_only_signing_in_and_out_is_open_without_a_token(demo, client_for):
    anonymous = await client_for(None)
    mixed = await anonymous.post(
        'mutation { authLogin(input: {login: "vp", password: "salesplan-demo"}) '
        '{ errors { code } } salesPlanWithdraw(input: {id: "x"}) { errors { code } } }'
    )
    assert mixed.status_code == 401
    assert mixed.json()["data"] is None
    assert await anonymous.post("{ viewer { roles } }") is not None
    query = await anonymous.post("{ viewer { roles } }")
    assert query.status_code == 401


async def test_a_refresh_hands_out_a_new_pair_and_the_old_refresh_token_then_revokes_all(
    demo, client_for
):
    anonymous = await client_for(None)
    first = await tokens_for(anonymous, "planner")
    answer = await anonymous.execute(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
    second = answer["authRefresh"]["tokens"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    assert await as_bearer(anonymous, second["accessToken"]).execute(WHO) == {
        "viewer": {"user": {"login": "planner"}}
    }
    reused = await anonymous.execute(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
    assert reused["authRefresh"] == {
        "tokens": None,
        "errors": [
            {
                "code": "INVALID_CREDENTIALS",
                "message": "this refresh token was already used: its sign-in is revoked; "
                "sign in again",
            }
        ],
    }
    # The reuse revoked the whole sign-in: its newest tokens are dead too.
    after = await anonymous.execute(REFRESH, {"input": {"refreshToken": second["refreshToken"]}})
    assert after["authRefresh"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    for access in (first["accessToken"], second["accessToken"]):
        response = await as_bearer(anonymous, access).post(WHO)
        assert response.status_code == 401
        assert response.json()["errors"][0]["message"] == "Invalid or expired token."


async def test_logging_out_revokes_the_refresh_token_and_the_access_tokens(demo, client_for):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "finance")
    other = await tokens_for(anonymous, "finance")
    out = await anonymous.execute(LOGOUT, {"input": {"refreshToken": tokens["refreshToken"]}})
    assert out["authLogout"] == {"signedOut": True, "errors": []}
    assert (await as_bearer(anonymous, tokens["accessToken"]).post(WHO)).status_code == 401
    refresh = await anonymous.execute(REFRESH, {"input": {"refreshToken": tokens["refreshToken"]}})
    assert refresh["authRefresh"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    again = await anonymous.execute(LOGOUT, {"input": {"refreshToken": tokens["refreshToken"]}})
    assert again["authLogout"] == {"signedOut": False, "errors": []}
    # Another sign-in of the same user is untouched.
    assert (await as_bearer(anonymous, other["accessToken"]).post(WHO)).status_code == 200


async def test_logging_out_with_the_access_token_alone_ends_that_sign_in(demo, client_for):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "gm")
    signed_in = as_bearer(anonymous, tokens["accessToken"])
    out = await signed_in.execute(LOGOUT, {"input": {}})
    assert out["authLogout"] == {"signedOut": True, "errors": []}
    assert (await signed_in.post(WHO)).status_code == 401


async def test_the_reporting_role_may_still_sign_out_and_change_its_password(demo, client_for):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "report")
    signed_in = as_bearer(anonymous, tokens["accessToken"])
    changed = await signed_in.execute(
        'mutation { viewerPasswordChange(input: {currentPassword: "salesplan-demo", '
        'newPassword: "reporting passphrase"}) { user { login } errors { code } } }'
    )
    assert changed["viewerPasswordChange"] == {"user": {"login": "report"}, "errors": []}
    assert (await login(anonymous, "report"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    out = await signed_in.execute(LOGOUT, {"input": {}})
    assert out["authLogout"]["signedOut"] is True


async def test_a_revoked_sign_in_does_not_keep_an_idempotency_key(demo, client_for):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "planner")
    await anonymous.execute(LOGOUT, {"input": {"refreshToken": tokens["refreshToken"]}})
    retry = {"Idempotency-Key": "create-customer-7"}
    create = 'mutation { customerCreate(input: {code: "C0777", name: "Retry Ltd"}) { customer { code } } }'
    refused = await as_bearer(anonymous, tokens["accessToken"]).post(create, headers=retry)
    assert refused.status_code == 401
    # Signed in again, the same retry acts: the refused attempt left nothing under its key.
    again = await tokens_for(anonymous, "planner")
    response = await as_bearer(anonymous, again["accessToken"]).post(create, headers=retry)
    assert "idempotent-replayed" not in response.headers
    assert response.json()["data"] == {"customerCreate": {"customer": {"code": "C0777"}}}
