"""Generated operations for every demo role (and for no token at all), valid and invalid, with
random variables: no 5xx, no error without a code, no internal error, and no change made by a
call that was refused (checked against a snapshot of every table).

A fixed-seed, bounded run is part of `make test` (FUZZ_EXAMPLES batches, 5 by default: each batch
is one operation of every kind, sent as every role); `make fuzz` runs a long one and prints the
figures per role.
"""

import asyncio
import json
import os

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from api.schema import schema
from domain.store.demo import LOGINS
from tests.conftest import snapshot
from tests.fuzz.operations import KINDS, Tally, id_pool, judge, operations

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = int(os.environ.get("FUZZ_SEED", "10"))
ROLES = [*sorted(LOGINS), None]  # None: no token at all
# Written on purpose by a refused call: a failed sign-in counts against the account.
RECORDED_WHEN_REFUSED = {"sign_in_throttle"}


class Database:
    """Snapshots of the database, taken from the worker thread in the server's loop."""

    def __init__(self, engine, loop) -> None:
        self.engine = engine
        self.loop = loop

    def snapshot(self) -> dict:
        tables = asyncio.run_coroutine_threadsafe(snapshot(self.engine), self.loop).result(120)
        return {name: rows for name, rows in tables.items() if name not in RECORDED_WHEN_REFUSED}


def run(url: str, tokens: dict, strategies: dict, database: Database, tallies: dict) -> None:
    """The hypothesis run (in a worker thread: the server runs in the main loop)."""
    batches = st.tuples(*(strategies[kind] for kind in KINDS))
    with httpx.Client(timeout=120) as http:

        @seed(SEED)  # the same operations on every run
        @settings(
            max_examples=EXAMPLES,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(batch=batches)
        def send(batch) -> None:
            for role, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                for operation in batch:
                    before = database.snapshot() if operation.is_mutation else None
                    response = http.post(
                        url,
                        json={"query": operation.query, "variables": operation.variables},
                        headers=headers,
                    )
                    try:
                        body = response.json()
                    except json.JSONDecodeError:
                        body = response.text
                    refused = judge(tallies[role], operation, response.status_code, body)
                    if refused and database.snapshot() != before:
                        tallies[role].violations.append((operation, response.status_code, body))

        send()


def report(tallies: dict[str, Tally]) -> str:
    lines = [f"{role:>9}: {json.dumps(t.figures())}" for role, t in tallies.items()]
    keys = ("operations", "5xx", "uncoded", "internal", "violations")
    totals = {k: sum(t.figures()[k] for t in tallies.values()) for k in keys}
    return "\n".join([*lines, f"{'total':>9}: {json.dumps(totals)}"])


def examples(found: list, limit: int = 3) -> list:
    return [
        (op.kind, op.query[:400], op.variables, status, str(body)[:400])
        for op, status, body in found[:limit]
    ]


async def test_generated_operations_get_coded_answers_and_refused_ones_change_nothing(
    demo, server, client_for
):
    strategies = operations(schema._schema, await id_pool(demo))
    tokens = {login or "anonymous": (await client_for(login)).token for login in ROLES}
    tallies = {role: Tally() for role in tokens}
    database = Database(demo, asyncio.get_running_loop())
    await asyncio.to_thread(run, server.url, tokens, strategies, database, tallies)
    print("\n" + report(tallies))
    for role, tally in tallies.items():
        assert tally.operations == EXAMPLES * len(KINDS), role
        assert tally.server_errors == [], (role, examples(tally.server_errors))
        assert tally.uncoded == [], (role, examples(tally.uncoded))
        assert tally.internal == [], (role, examples(tally.internal))
        assert tally.violations == [], (role, examples(tally.violations))
