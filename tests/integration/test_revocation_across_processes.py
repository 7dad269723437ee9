"""A sign-out through one server process reaches the identity cache of another (api.identities)
through the event broker: the token is refused there within milliseconds, not the 10 s the
cache could otherwise keep it, nor the hub's one-second poll."""

import time

import httpx

from domain.accounts.passwords import DEMO_PASSWORD
from tests.integration.test_multi_process_events import pytestmark, two_servers  # noqa: F401

LOGIN = "mutation($input: AuthLoginInput!) { authLogin(input: $input) { tokens { accessToken } } }"
LOGOUT = "mutation { authLogout(input: {}) { signedOut errors { code } } }"
WHO = "{ viewer { roles } }"


def post(http: httpx.Client, port: int, query: str, variables=None, token=None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
    )


def test_a_sign_out_on_one_process_is_refused_by_the_other_within_milliseconds(
    demo,
    two_servers,  # noqa: F811
):
    reader_port, writer_port = two_servers
    with httpx.Client(timeout=10) as http:
        answer = post(
            http, writer_port, LOGIN, {"input": {"login": "vp", "password": DEMO_PASSWORD}}
        )
        token = answer.json()["data"]["authLogin"]["tokens"]["accessToken"]
        for _ in range(2):  # the second request is answered from the reader's cache
            assert post(http, reader_port, WHO, token=token).status_code == 200
        signed_out = post(http, writer_port, LOGOUT, token=token).json()["data"]["authLogout"]
        assert signed_out == {"signedOut": True, "errors": []}
        started = time.monotonic()
        while post(http, reader_port, WHO, token=token).status_code != 401:
            assert time.monotonic() - started < 0.5, "the reader still accepts the token"
        assert post(http, writer_port, WHO, token=token).status_code == 401
