"""What reaches the server is bounded, and every refusal is coded JSON with a 4xx status, with or
without a token: size, time, encoding and shape of the body, the document, the variables and
websocket messages."""

import asyncio
import json
from urllib.parse import urlparse

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.api.live_client import token_of

QUERY = "{ products(first: 1) { nodes { code } } }"


def refusal(response) -> tuple[int, str]:
    """(status, code) of a refused request, after checking it is coded JSON without data."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"]
    return response.status_code, error["extensions"]["code"]


@pytest.fixture
async def vp(demo_readonly, client_for):
    return await client_for("vp")


@pytest.mark.parametrize("idempotency_key", [None, "big-1"])
async def test_a_body_over_the_limit_is_refused_before_it_is_read(vp, server, idempotency_key):
    headers = {"Authorization": f"Bearer {vp.token}", "Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    padding = " " * 2_000_000
    body = '{"query": "' + QUERY + '"' + padding + "}"
    response = await vp.http.post(server.url, content=body, headers=headers)
    assert refusal(response) == (413, "REQUEST_TOO_LARGE")

    async def chunks():  # no Content-Length: counted as it arrives
        yield b'{"query": "' + QUERY.encode() + b'"'
        for _ in range(20):
            yield b" " * 100_000
        yield b"}"

    response = await vp.http.post(server.url, content=chunks(), headers=headers)
    assert refusal(response) == (413, "REQUEST_TOO_LARGE")


async def test_a_body_that_arrives_too_slowly_is_refused(demo_readonly, server, monkeypatch):
    monkeypatch.setattr(server.limits.settings, "body_timeout_seconds", 0.5)
    url = urlparse(server.url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ viewer { roles } }\xff"}',  # invalid UTF-8 (once a 500)
        b'{"query": "{ viewer { roles } }", "variables": {"t": "\\ud800"}}',  # lone surrogate
        b'{"query": "{ viewer { roles } }", "variables": {"n": NaN}}',
        b'{"query": "{ viewer { roles } ',  # not JSON at all
        b'{"query": "query($v: [Int]) { viewer { roles } }", "variables": {"v": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}}",  # 100,000 lists deep (once a RecursionError and a 500)
        b'[{"query": "{ viewer { roles } }"}]',  # batches are not accepted
        b'{"query": 5}',
        b'{"query": "{ viewer { roles } }", "variables": [1]}',
        b'{"query": "{ viewer { roles } }", "operationName": {"a": 1}}',
        b"{}",
    ],
)
@pytest.mark.parametrize("login", [None, "vp"])
async def test_a_malformed_body_is_a_coded_400(demo_readonly, client_for, server, body, login):
    client = await client_for(login)
    headers = {"Content-Type": "application/json"}
    if client.token:
        headers["Authorization"] = f"Bearer {client.token}"
    response = await client.http.post(server.url, content=body, headers=headers)
    assert refusal(response) == (400, "BAD_REQUEST")


async def test_a_body_that_is_not_json_by_its_content_type_is_a_coded_415(vp, server):
    response = await vp.http.post(
        server.url,
        content=orjson.dumps({"query": QUERY}),
        headers={"Authorization": f"Bearer {vp.token}", "Content-Type": "text/plain"},
    )
    assert refusal(response) == (415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    ("variables", "status"),
    [
        ({"v": json.loads("[" * 20 + "]" * 20)}, 400),  # deeper than 16 levels
        ({"v": list(range(60_000))}, 413),  # more than 50,000 values
        ({"t": "x" * 10_001}, 413),  # a string over 10,000 characters
    ],
)
async def test_variables_out_of_bounds_are_refused(vp, variables, status):
    response = await vp.post("query($v: [Int], $t: String) { viewer { roles } }", variables)
    assert refusal(response) == (status, "BAD_REQUEST" if status == 400 else "REQUEST_TOO_LARGE")


async def test_a_document_or_a_string_literal_over_its_limit_is_refused(vp):
    """A 1 MB comment or string once passed the token limit."""
    comment = "# " + "x" * 200_000 + "\n"
    assert refusal(await vp.post(comment + QUERY)) == (413, "REQUEST_TOO_LARGE")
    literal = '{ salesOrders(where: {number: "' + "x" * 10_001 + '"}) { nodes { id } } }'
    assert refusal(await vp.post(literal)) == (413, "REQUEST_TOO_LARGE")


async def test_a_lone_surrogate_in_a_literal_is_a_parse_error(vp):
    body = (await vp.post('{ salesOrders(where: {number: "\\ud800"}) { nodes { id } } }')).json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_PARSE_FAILED"]


async def test_an_int_beyond_64_bits_is_a_coded_error_not_a_500(vp):
    response = await vp.post(
        "query($n: Int) { products(first: $n) { nodes { code } } }", {"n": 2**64}
    )
    assert response.status_code == 200
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["BAD_USER_INPUT"]


async def test_a_websocket_message_over_the_limit_closes_the_socket_with_1009(
    demo_readonly, server, settings
):
    token = await token_of(demo_readonly, settings, "vp")
    async with connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "ping", "payload": {"x": "y" * 1_100_000}}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 1009


async def test_a_subscribe_out_of_bounds_gets_a_coded_error_and_the_socket_stays_open(
    demo_readonly, server, settings
):
    token = await token_of(demo_readonly, settings, "vp")
    async with connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        deep = json.loads("[" * 30 + "]" * 30)
        payload = {"query": "query($v: [Int]) { viewer { roles } }", "variables": {"v": deep}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        error = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert error["type"] == "error" and error["id"] == "1"
        assert error["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
        payload = {"query": "{ viewer { roles } }"}
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": payload}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert answer["type"] == "next"
        assert answer["payload"]["data"] == {"viewer": {"roles": ["VP"]}}
