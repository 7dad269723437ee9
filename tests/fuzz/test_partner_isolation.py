"""Partner isolation as a property: `partner` (Zhongshan Tractor Works, C0001) sends generated
queries and mutations whose ids are those of `partner2`'s customer (Lakeside Mining Ltd, C0002)
and of internal objects, while the other customer's orders change and `partner` listens to every
subscription; nothing of the other customer (an id, its code, name or contact, an order number or
reference) appears in any response, error or event `partner` receives, except what `partner`
sent itself."""

import asyncio
import os
from dataclasses import dataclass

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import text

from api.ids import to_global_id
from api.schema import schema
from api.types.orders import order_number
from tests.api.live_client import live
from tests.api.orders_helpers import ready_order
from tests.fuzz.operations import ID_TABLES, MADE_UP_IDS, Tally, judge, operations

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = int(os.environ.get("FUZZ_SEED", "10"))
SUBSCRIPTIONS = [
    "subscription { orderStatusChanged { cursor fromStatus toStatus order { id number "
    "customerReference customer { id code name contactName contactEmail } } } }",
    "subscription { salesPlanStatusChanged { cursor toStatus salesPlan { id title } } }",
    "subscription { approvalTaskAssigned { cursor document { id } } }",
]


@dataclass(frozen=True)
class Secrets:
    """What of the other customer must never reach partner: its objects' ids (whole strings)
    and words (found inside any string: code, name, contact, order numbers, references)."""

    ids: frozenset[str]
    words: frozenset[str]

    def leaked(self, answer: object, sent: object = None) -> list[str]:
        """The secrets in an answer, leaving out those the request itself held."""
        strings, in_request = set(), set()
        collect(answer, strings)
        collect(sent, in_request)
        found = {s for s in strings if s in self.ids and not any(s in r for r in in_request)}
        for word in self.words:
            if any(word in s for s in strings) and not any(word in s for s in in_request):
                found.add(word)
        return sorted(found)


def collect(value: object, into: set[str]) -> None:
    """Every string in a JSON value (keys too)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            into.add(item)
        elif isinstance(item, dict):
            into.update(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


async def others(engine) -> tuple[list[str], Secrets]:
    """(ids to try: partner2's objects and internal ones; what must never reach partner)."""
    async with engine.connect() as conn:

        async def pks(sql: str) -> list[int]:
            return [row[0] for row in await conn.execute(text(sql))]

        customer = (await pks("SELECT customer_id FROM app_user WHERE login = 'partner2'"))[0]
        orders = await pks(f"SELECT id FROM sales_order WHERE customer_id = {customer}")
        order_list = ",".join(map(str, orders)) or "0"
        owned = {
            "Customer": [customer],
            "SalesOrder": orders,
            "SalesOrderLine": await pks(
                f"SELECT id FROM sales_order_line WHERE order_id IN ({order_list})"
            ),
            "Shipment": await pks(f"SELECT id FROM shipment WHERE order_id IN ({order_list})"),
            "SalesReturn": await pks(
                f"SELECT id FROM sales_return WHERE order_id IN ({order_list})"
            ),
            "User": await pks("SELECT id FROM app_user WHERE login = 'partner2'"),
        }
        words = (
            await conn.execute(
                text("SELECT code, name, contact_name, contact_email FROM customer WHERE id = :c"),
                {"c": customer},
            )
        ).one()
        references = await pks(
            f"SELECT customer_reference FROM sales_order WHERE id IN ({order_list})"
        )
        internal = {
            name: await pks(f"SELECT id FROM {table} ORDER BY id LIMIT 10")
            for name, table in ID_TABLES.items()
            if name not in owned and name not in ("Product",)
        }
    secret_ids = [to_global_id(t, pk) for t, keys in owned.items() for pk in keys]
    internal_ids = [to_global_id(t, pk) for t, keys in internal.items() for pk in keys]
    secret_words = {*(w for w in words if w), *(r for r in references if r)}
    secret_words |= {order_number(pk) for pk in orders}
    secrets = Secrets(frozenset(secret_ids), frozenset(secret_words))
    return secret_ids + internal_ids + MADE_UP_IDS, secrets


def is_own_order_event(message: dict) -> bool:
    data = message.get("payload", {}).get("data") or {}
    return bool(data.get("orderStatusChanged"))


async def messages_heard(listener, patience: float = 20.0) -> list[dict]:
    """Every message until partner's own order changes have arrived and a second passed quietly
    (events reach a busy server's subscribers a little after their commit)."""
    messages = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while True:
        own_arrived = any(is_own_order_event(m) for m in messages)
        wait = 1.0 if own_arrived else max(0.1, deadline - loop.time())
        try:
            messages.append(await listener.message(wait=wait))
        except TimeoutError:
            return messages


def probe(url: str, token: str, strategy, secrets: Secrets | None, tally: Tally, found: list):
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=120) as http:

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES * 8,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation=strategy)
        def send(operation) -> None:
            request = {"query": operation.query, "variables": operation.variables}
            response = http.post(url, json=request, headers=headers)
            body = response.json()
            judge(tally, operation, response.status_code, body)
            if secrets and (
                leaked := secrets.leaked(body, [operation.query, request["variables"]])
            ):
                found.append((operation.query[:300], operation.variables, leaked))

        send()


async def test_nothing_of_the_other_customer_reaches_a_partner(live_demo, server, client_for):
    demo = live_demo
    pool, secrets = await others(demo)
    kinds = operations(schema._schema, pool)
    # Mostly reads of everything two levels down, by the other customer's and internal ids.
    mix = ["deep-read"] * 4 + ["default-pages", "variables", "mutation", "negative"]
    strategy = st.sampled_from(mix).flatmap(kinds.get)
    partner, planner = await client_for("partner"), await client_for("planner")
    tally, found = Tally(), []
    async with live(server.ws_url, partner.token) as listener:
        for query in SUBSCRIPTIONS:
            await listener.subscribe(query)
        # The other customer's orders change meanwhile: a new one through review to READY
        # (and one of partner's own, which partner must hear of)...
        await ready_order(demo, planner, customer="C0002")
        await ready_order(demo, planner, customer="C0001")
        # ...and generated operations as partner2 (its own actions on its own orders).
        partner2 = await client_for("partner2")
        await asyncio.to_thread(probe, server.url, partner2.token, strategy, None, Tally(), [])
        await asyncio.to_thread(probe, server.url, partner.token, strategy, secrets, tally, found)
        events = await messages_heard(listener)
    event_leaks = [secrets.leaked(event) for event in events if secrets.leaked(event)]
    print(
        f"\nisolation: {tally.operations} operations as partner "
        f"{dict(sorted(tally.by_kind.items()))}, {len(events)} events heard; 5xx "
        f"{len(tally.server_errors)}, uncoded {len(tally.uncoded)}, internal "
        f"{len(tally.internal)}, leaks {len(found)} in answers and {len(event_leaks)} in events"
    )
    assert tally.operations == EXAMPLES * 8
    assert tally.server_errors == [] and tally.uncoded == [] and tally.internal == []
    assert found == []
    assert event_leaks == []
    # partner heard of its own order's changes and of no other customer's.
    heard = {
        e["payload"]["data"]["orderStatusChanged"]["order"]["customer"]["code"]
        for e in events
        if e["type"] == "next" and "orderStatusChanged" in (e["payload"].get("data") or {})
    }
    assert heard == {"C0001"}
