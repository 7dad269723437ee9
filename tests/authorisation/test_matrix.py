"""The authorisation matrix (matrix.py) against the served schema and the running server: every
operation has a row, and every demo login gets the answer its row says; denied calls change
nothing in the database. See matrix.py for what the answers mean and how to add a row."""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.services.pipeline import UseCases
from domain.store.demo import LOGINS as DEMO_LOGINS
from tests.api.live_client import live
from tests.authorisation import matrix, probes
from tests.authorisation.matrix import ALLOWED, FORBIDDEN, LOGINS, NOT_FOUND, SCOPED, Answer
from tests.conftest import load_fresh_demo, snapshot, token_for
from tests.services.helpers import Services

# What the served schema offers: root fields of each operation type, and each mutation's input type.
SCHEMA = """{ __schema {
  queryType { fields { name } }
  subscriptionType { fields { name } }
  mutationType { fields { name args { name type { ofType { name } } } } }
} }"""

ROWS = {
    "mutation": (matrix.MUTATIONS, probes.MUTATIONS, "MUTATIONS"),
    "query": (matrix.QUERIES, probes.QUERIES, "QUERIES"),
    "subscription": (matrix.SUBSCRIPTIONS, probes.SUBSCRIPTIONS, "SUBSCRIPTIONS"),
}
DENIED = (FORBIDDEN, NOT_FOUND)


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine, server) -> Services:
    """The demo, loaded once for this module (the probes add their own objects to it), with the
    server's event hub following from its last event; use cases run in-process as demo users."""
    await load_fresh_demo(engine)  # `demo_readonly` users load it again after this module
    await server.hub.resync()
    return Services(engine, UseCases(engine))


@pytest.fixture(scope="module")
async def module_http():
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
async def tokens(world, settings) -> dict[str, str]:
    return {login: token_for(settings, await world.user(login), login) for login in LOGINS}


@pytest.fixture(scope="module")
def call(module_http, server, tokens):
    """call(login, document, variables) → the JSON body the server answers that login."""

    async def post(login: str, document: str, variables: dict) -> dict:
        headers = {"Authorization": f"Bearer {tokens[login]}"}
        body = {"query": document, "variables": variables}
        return (await module_http.post(server.url, json=body, headers=headers)).json()

    return post


@pytest.fixture(scope="module")
async def served(module_http, server) -> dict[str, Any]:
    """Root field names per operation type, and the input type of each mutation."""
    body = (await module_http.post(server.url, json={"query": SCHEMA})).json()
    schema = body["data"]["__schema"]
    mutations = schema["mutationType"]["fields"]
    return {
        "query": {f["name"] for f in schema["queryType"]["fields"]},
        "subscription": {f["name"] for f in schema["subscriptionType"]["fields"]},
        "mutation": {f["name"] for f in mutations},
        "input": {
            f["name"]: a["type"]["ofType"]["name"]
            for f in mutations
            for a in f["args"]
            if a["name"] == "input"
        },
    }


async def test_every_operation_of_the_schema_has_a_row_and_every_row_an_operation(served):
    problems = []
    if set(LOGINS) != set(DEMO_LOGINS):
        problems.append(
            f"matrix.LOGINS {sorted(LOGINS)} are not the demo logins {sorted(DEMO_LOGINS)}: "
            "give every row an answer for each demo login"
        )
    for kind, (rows, probes_of_kind, table) in ROWS.items():
        for name in sorted(served[kind] - rows.keys()):
            problems.append(
                f"{kind} {name} has no row: add it to {table} in tests/authorisation/matrix.py"
            )
        for name in sorted(rows.keys() - served[kind]):
            problems.append(f"{table}[{name!r}] in matrix.py names no {kind} of the schema")
        for name in sorted(rows.keys() - probes_of_kind.keys()):
            problems.append(
                f"{kind} {name} has no probe: add it to {table} in tests/authorisation/probes.py"
            )
        for name in sorted(probes_of_kind.keys() - rows.keys()):
            problems.append(f"{table}[{name!r}] in probes.py has no row in matrix.py")
        for name, row in rows.items():
            if len(row) != len(LOGINS):
                problems.append(f"{table}[{name!r}] gives {len(row)} answers for {len(LOGINS)}")
    assert not problems, "\n".join(problems)


def shown(answer: object) -> object:
    return answer.value if isinstance(answer, Answer) else answer


def mismatches(name: str, expected: dict[str, Answer], got: dict[str, object]) -> list[str]:
    return [
        f"{name} as {login}: expected {expected[login].value}, got {shown(got[login])}"
        for login in LOGINS
        if got[login] is not expected[login]
    ]


def probe_of(kind: str, name: str):
    _, probes_of_kind, table = ROWS[kind]
    if name not in probes_of_kind:
        pytest.fail(
            f"{kind} {name} has no probe: add it to {table} in tests/authorisation/probes.py"
        )
    return probes_of_kind[name]


# ---- mutations ------------------------------------------------------------------------------


def mutation_answer(body: dict, name: str) -> object:
    """ALLOWED, FORBIDDEN or NOT_FOUND as the payload says; otherwise a description."""
    if body.get("errors"):
        return f"top-level errors {[e['message'] for e in body['errors']]}"
    errors = body["data"][name]["errors"]
    codes = {e["code"] for e in errors}
    if not codes:
        return ALLOWED
    if len(codes) == 1 and (code := codes.pop()) in (FORBIDDEN.value, NOT_FOUND.value):
        return Answer(code)
    return f"refused with {[(e['code'], e['field'], e['message']) for e in errors]}"


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after[table]]


@pytest.mark.parametrize("name", list(matrix.MUTATIONS))
async def test_each_login_gets_its_answer_from_the_mutation(name, world, served, call):
    if name not in served["mutation"]:
        pytest.fail(f"matrix.py has a row for {name}, which is no mutation of the schema")
    probe = probe_of("mutation", name)
    expected = matrix.answers(matrix.MUTATIONS[name])
    document = (
        f"mutation($input: {served['input'][name]}!) "
        f"{{ {name}(input: $input) {{ errors {{ code field message }} }} }}"
    )
    got: dict[str, object] = {}
    target = await probe(world)
    went_through = False  # a login that should be denied was not: it is reported below
    before = await snapshot(world.engine)
    for login in LOGINS:
        if expected[login] in DENIED:
            got[login] = mutation_answer(await call(login, document, {"input": target}), name)
            if got[login] is ALLOWED:  # the target moved on: the next login gets its own
                went_through = True
                target = await probe(world)
    after = await snapshot(world.engine)
    problems = []
    changed = changed_tables(before, after)
    if changed and not went_through:
        problems.append(f"{name}: refused calls changed the tables {changed}")
    fresh = bool(changed)  # the shared target may have moved on: give each login its own
    for login in LOGINS:
        if expected[login] not in DENIED:
            if fresh:
                target = await probe(world)
            got[login] = mutation_answer(await call(login, document, {"input": target}), name)
            fresh = True
    problems += mismatches(name, expected, got)
    assert not problems, "\n".join(problems)


# ---- queries --------------------------------------------------------------------------------


async def read(call, login: str, probe: probes.QueryProbe, variables: dict) -> object:
    """The reach of the login's answer (every page of it), or FORBIDDEN / a description of the
    top-level errors."""
    reach: set[str] = set()
    after = None
    while True:
        page_variables = {**variables, "after": after} if probe.pages else variables
        body = await call(login, probe.document, page_variables)
        if errors := body.get("errors"):
            codes = {(e.get("extensions") or {}).get("code") for e in errors}
            if codes == {FORBIDDEN.value}:
                return FORBIDDEN
            return f"top-level errors {[e['message'] for e in errors]}"
        reach.update(probe.reach(body["data"], login))
        if probe.pages is None:
            return frozenset(reach)
        page = body["data"]
        for key in probe.pages:
            page = page[key]
        if not page["pageInfo"]["hasNextPage"]:
            return frozenset(reach)
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("name", list(matrix.QUERIES))
async def test_each_login_gets_its_answer_from_the_query(name, world, served, call):
    if name not in served["query"]:
        pytest.fail(f"matrix.py has a row for {name}, which is no query field of the schema")
    probe = probe_of("query", name)
    expected = matrix.answers(matrix.QUERIES[name])
    variables = await probe.variables(world) if probe.variables else {}
    reaches = {login: await read(call, login, probe, variables) for login in LOGINS}
    allowed = [login for login in LOGINS if expected[login] is ALLOWED]
    assert allowed, f"{name}: a row needs an ALLOWED login to compare the others with"
    reference = reaches[allowed[0]]
    assert isinstance(reference, frozenset) and reference, (
        f"{name}: {allowed[0]} (ALLOWED) got {reference or 'an empty answer'}; the probe must "
        "show something to compare the other logins with"
    )
    got: dict[str, object] = {}
    for login, reach in reaches.items():
        if not isinstance(reach, frozenset):
            got[login] = reach
        elif probe.single and not reach:
            got[login] = NOT_FOUND
        elif reach == reference:
            got[login] = ALLOWED
        elif reach < reference:
            got[login] = SCOPED
        else:
            got[login] = (
                f"{len(reach)} items, {len(reach - reference)} of them not in {allowed[0]}'s"
            )
    problems = mismatches(name, expected, got)
    assert not problems, "\n".join(problems)


# ---- subscriptions --------------------------------------------------------------------------

# Seconds to wait: for the answer to a subscription that follows one document (it comes), for
# the first event of one that may rightly show nothing, and for more events after one.
ANSWER, FIRST, QUIET = 10.0, 1.5, 0.4
MOST_EVENTS = 500


async def watch(server, token: str, probe: probes.SubscriptionProbe, variables: dict):
    """(error code or None, events) of one subscription, read until an error, the first event
    (probes that follow one document) or a quiet moment."""
    events: list[dict] = []
    async with live(server.ws_url, token) as client:
        await client.subscribe(probe.document, variables)
        while len(events) < MOST_EVENTS:
            wait = ANSWER if probe.in_reach is None else QUIET if events else FIRST
            try:
                message = await client.message(wait)
            except TimeoutError:
                break
            if message["type"] != "next":
                break
            if errors := message["payload"].get("errors"):
                return (errors[0].get("extensions") or {}).get("code", errors[0]["message"]), []
            events.append(message["payload"]["data"])
            if probe.in_reach is None:
                break
    return None, events


@pytest.mark.parametrize("name", list(matrix.SUBSCRIPTIONS))
async def test_each_login_gets_its_answer_from_the_subscription(
    name, world, served, server, tokens
):
    if name not in served["subscription"]:
        pytest.fail(f"matrix.py has a row for {name}, which is no subscription of the schema")
    probe = probe_of("subscription", name)
    expected = matrix.answers(matrix.SUBSCRIPTIONS[name])
    variables = await probe.variables(world)
    await server.hub.resync()  # number the events the probe's setup committed
    followed = {v for k, v in variables.items() if k != "after"}
    watched = await asyncio.gather(
        *(watch(server, tokens[login], probe, variables) for login in LOGINS)
    )
    got: dict[str, object] = {}
    for login, (error, events) in zip(LOGINS, watched, strict=True):
        documents = [probe.document_of(event) for event in events]
        if error is not None:
            got[login] = Answer(error) if error in (FORBIDDEN.value, NOT_FOUND.value) else error
        elif probe.in_reach is not None:
            outside = [
                document
                for document, event in zip(documents, events, strict=True)
                if not await probe.in_reach(world, login, document, event)
            ]
            got[login] = f"events outside the reach: {outside}" if outside else SCOPED
        elif documents and set(documents) <= followed:
            got[login] = ALLOWED
        else:
            got[login] = f"events about {documents or 'nothing'}"
    problems = mismatches(name, expected, got)
    if probe.in_reach is not None and not any(events for _, events in watched):
        problems.append(f"{name}: no login received anything; the probe shows nothing")
    assert not problems, "\n".join(problems)
