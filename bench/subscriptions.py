"""Live events at scale: what idle connections and subscriptions cost the server, targeted
delivery at a steady rate of changes, and broadcasts to thousands of subscribers of one plan.

    .venv/bin/python bench/subscriptions.py        # one process on SQLite, then two processes
                                                   # with the Redis broker on PostgreSQL
    .venv/bin/python bench/subscriptions.py --setups one --connections 2000 --seconds 10

Each setup starts the server as its own process(es) (`salesplan serve`) on a fresh database
(the demo, plus --connections + a few hundred DRAFT orders copied from a demo order), and then:

1. idle connections: opens --connections websockets (spread over the processes), each
   authenticating in connection_init as the VP: server CPU per opening, server memory (resident
   set) per idle connection;
2. subscriptions: each connection subscribes to its own order (`orderStatusChanged(orderId:)`):
   server memory per subscription;
3. targeted: --rates status changes per second for --seconds, each submitting another order,
   sent over HTTP as the planner: delivery p50/p99 from the event's commit (its `occurredAt`)
   to its subscriber, events lost (must be 0), server CPU per event. The same changes made
   before any connection opened give the CPU a change costs by itself;
4. broadcast: the first 1,000 and 5,000 connections subscribe to one plan, all with one
   document (shared) or each with a document of its own (unshared, an alias apiece); the plan is
   submitted and withdrawn --rounds times: p50/p99 over rounds of the time from the mutation's
   response to the last subscriber served, and server CPU per change.

The sockets are held by --clients client processes (pinned to the other CPU with --pin, the
default for one server process on a machine of several CPUs, the server then on the first), so
the figures are the server's; each phase prints the busiest client process's share of a core and
says so when a client saturated one. Latencies are wall-clock differences between processes of
this one machine.
"""

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's modules (ids, tables) for the setup
BIN = Path(sys.executable).parent
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
FIRST_PORT = 18400
ORDER_CHANGES = (
    "subscription($id: ID) { orderStatusChanged(orderId: $id) { cursor occurredAt toStatus } }"
)
SHARED = "subscription($id: ID) { salesPlanStatusChanged(planId: $id) { cursor toStatus } }"
# One document per subscriber: its own alias, so its answer differs from everyone else's.
UNSHARED = "subscription($id: ID) { w%d: salesPlanStatusChanged(planId: $id) { cursor toStatus } }"
SUBMIT_ORDER = "mutation($id: ID!) { salesOrderSubmit(input: {id: $id}) { errors { code } } }"
SUBMIT_PLAN = "mutation($id: ID!) { salesPlanSubmit(input: {id: $id}) { salesPlan { status } errors { code } } }"
WITHDRAW_PLAN = "mutation($id: ID!) { salesPlanWithdraw(input: {id: $id}) { salesPlan { status } errors { code } } }"
FIND_PLAN = '{ salesPlans(first: 1, where: {statusIn: [DRAFT], periodFrom: "2026-12-01"}) { nodes { id } } }'
BASELINE_CHANGES = 300  # changes made before any connection opens, for the cost of a change alone
WAVE = 1000  # connections opened, or subscriptions made, at once


# -- processes ----------------------------------------------------------------------------------


def run(*args: str, env: dict) -> str:
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout.strip()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


# -- client processes: they hold the websockets -------------------------------------------------


def client_process(conn, cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    asyncio.run(ClientSockets(conn).serve())


class ClientSockets:
    """Websockets of one client process, driven by commands from the bench over a pipe."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.sockets: list = []
        self.receipts: list[tuple] = []  # (received at, socket, first field's value)
        self.expected: int | None = None

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        commands: asyncio.Queue = asyncio.Queue()

        def read() -> None:
            try:
                commands.put_nowait(self.conn.recv())
            except EOFError:  # the bench has gone
                loop.remove_reader(self.conn.fileno())
                commands.put_nowait(("close",))

        loop.add_reader(self.conn.fileno(), read)
        while True:
            command, *args = await commands.get()
            if command == "open":
                await self.open(*args)
            elif command == "subscribe":
                for index, op_id, query, variables in args[0]:
                    payload = {"query": query, "variables": variables}
                    message = {"id": op_id, "type": "subscribe", "payload": payload}
                    await self.sockets[index].send(orjson.dumps(message).decode())
                self.conn.send(("subscribed",))
            elif command == "complete":
                for index, op_id in args[0]:
                    await self.sockets[index].send(
                        orjson.dumps({"id": op_id, "type": "complete"}).decode()
                    )
                self.conn.send(("completed",))
            elif command == "expect":
                self.receipts, self.expected = [], args[0]
            elif command == "report":
                self.conn.send(("receipts", self.receipts))
                self.receipts, self.expected = [], None
            elif command == "close":
                loop.remove_reader(self.conn.fileno())
                await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
                with contextlib.suppress(OSError):
                    self.conn.send(("closed",))
                return

    async def open(self, urls: list[str], token: str, batch: int) -> None:
        from websockets.asyncio.client import connect

        async def one(url: str):
            ws = await connect(
                url,
                subprotocols=["graphql-transport-ws"],
                max_queue=None,
                compression=None,
                open_timeout=60,
                ping_interval=None,
            )
            await ws.send(
                orjson.dumps({"type": "connection_init", "payload": {"token": token}}).decode()
            )
            ack = orjson.loads(await ws.recv())
            assert ack["type"] == "connection_ack", ack
            return ws

        started = time.time()
        for start in range(0, len(urls), batch):
            opened = await asyncio.gather(*(one(url) for url in urls[start : start + batch]))
            for ws in opened:
                index = len(self.sockets)
                self.sockets.append(ws)
                asyncio.get_running_loop().create_task(self.listen(index, ws))
        self.conn.send(("opened", time.time() - started))

    async def listen(self, index: int, ws) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                message = orjson.loads(raw)
                kind = message["type"]
                if kind == "next":
                    data = message["payload"].get("data") or {}
                    value = next(iter(data.values()), None)
                    self.receipts.append((time.time(), index, value))
                    if self.expected is not None and len(self.receipts) >= self.expected:
                        self.conn.send(("done", self.receipts))
                        self.receipts, self.expected = [], None
                elif kind == "ping":
                    await ws.send('{"type":"pong"}')


class Clients:
    """The bench's side of the client processes."""

    def __init__(self, count: int, cpu: int | None) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for _ in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=client_process, args=(theirs, cpu), daemon=True)
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        self.sockets: list[tuple[int, int]] = []  # bench-wide socket number -> (client, index)
        self._replies = [asyncio.Queue() for _ in self.pipes]
        loop = asyncio.get_running_loop()
        for pipe, replies in zip(self.pipes, self._replies, strict=True):
            loop.add_reader(pipe.fileno(), self._read, pipe, replies)

    @staticmethod
    def _read(pipe, replies: asyncio.Queue) -> None:
        try:
            replies.put_nowait(pipe.recv())
        except EOFError:  # the client process has gone (after `close`)
            asyncio.get_running_loop().remove_reader(pipe.fileno())

    def cpu(self) -> list[float]:
        return [cpu_seconds(p.pid) for p in self.processes]

    async def _all(self, kind: str, seconds: float | None = None) -> list:
        async def reply(queue):
            message = await queue.get()
            assert message[0] == kind, message
            return message

        return await asyncio.wait_for(asyncio.gather(*(reply(q) for q in self._replies)), seconds)

    async def open(self, urls: list[str], token: str, batch: int = 100) -> None:
        shares: list[list[str]] = [[] for _ in self.pipes]
        for n, url in enumerate(urls):
            client = n % len(self.pipes)
            shares[client].append(url)
        counts = [sum(1 for c, _ in self.sockets if c == k) for k in range(len(self.pipes))]
        for n in range(len(urls)):
            client = n % len(self.pipes)
            self.sockets.append((client, counts[client]))
            counts[client] += 1
        for pipe, share in zip(self.pipes, shares, strict=True):
            pipe.send(("open", share, token, batch))
        await self._all("opened")

    async def subscribe(self, specs: list[tuple[int, str, str, dict]]) -> None:
        """(bench socket number, operation id, document, variables) each."""
        per_client: list[list] = [[] for _ in self.pipes]
        for socket, op_id, query, variables in specs:
            client, index = self.sockets[socket]
            per_client[client].append((index, op_id, query, variables))
        for pipe, share in zip(self.pipes, per_client, strict=True):
            pipe.send(("subscribe", share))
        await self._all("subscribed")

    async def complete(self, specs: list[tuple[int, str]]) -> None:
        per_client: list[list] = [[] for _ in self.pipes]
        for socket, op_id in specs:
            client, index = self.sockets[socket]
            per_client[client].append((index, op_id))
        for pipe, share in zip(self.pipes, per_client, strict=True):
            pipe.send(("complete", share))
        await self._all("completed")

    def expect(self, sockets: list[int]) -> list[int]:
        """Start counting receipts; each client process answers once it has its share."""
        counts = [0] * len(self.pipes)
        for socket in sockets:
            counts[self.sockets[socket][0]] += 1
        for pipe, count in zip(self.pipes, counts, strict=True):
            pipe.send(("expect", count or None))
        return counts

    async def receipts(self, counts: list[int] | None, seconds: float) -> list[tuple]:
        """What arrived: (received at, bench socket number, value). With `counts`, waits up to
        `seconds` for each client process to have its share."""
        found: list[tuple] = []
        for client, (pipe, queue) in enumerate(zip(self.pipes, self._replies, strict=True)):
            message = None
            if counts is not None and counts[client]:
                with contextlib.suppress(TimeoutError):
                    message = await asyncio.wait_for(queue.get(), seconds)
                    assert message[0] == "done", message
                    pipe.send(("report",))  # reset; nothing more is expected
                    extra = await queue.get()
                    message = ("done", message[1] + extra[1])
            if message is None:
                pipe.send(("report",))
                message = await queue.get()
            sockets = [s for s, (c, _) in enumerate(self.sockets) if c == client]
            found += [(at, sockets[index], value) for at, index, value in message[1]]
        return found

    async def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(("close",))
        with contextlib.suppress(TimeoutError):
            await self._all("closed", 60)
        loop = asyncio.get_running_loop()
        for pipe in self.pipes:
            loop.remove_reader(pipe.fileno())
            pipe.close()
        for process in self.processes:
            process.join(10)


# -- the server ---------------------------------------------------------------------------------


class Servers:
    def __init__(self, ports: list[int], processes: list[subprocess.Popen]) -> None:
        self.ports = ports
        self.processes = processes
        self.pids = [p.pid for p in processes]

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids)

    def rss(self) -> int:
        return sum(rss_kib(p) for p in self.pids)

    async def gauge(self, http: httpx.AsyncClient, name: str) -> float:
        total = 0.0
        for port in self.ports:
            text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
            for line in text.splitlines():
                if line.startswith(name + " "):
                    total += float(line.split()[1])
        return total

    async def settle(self, http: httpx.AsyncClient, name: str, value: float, limit: float = 300):
        """Wait until gauge `name` shows `value` and the servers' CPU has gone quiet."""
        deadline = time.time() + limit
        while await self.gauge(http, name) != value:
            if time.time() > deadline:
                raise TimeoutError(f"{name} never reached {value}")
            await asyncio.sleep(0.25)
        while time.time() < deadline:
            before = self.cpu()
            await asyncio.sleep(0.5)
            if self.cpu() - before < 0.05 * len(self.ports):
                return


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(1200):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"no server on port {port}")


# -- the database -------------------------------------------------------------------------------


async def fresh_postgres(url: str) -> None:
    """Drop and create the database of `url` (its server's `postgres` database is used)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await conn.close()


async def copy_orders(url: str, count: int) -> list[int]:
    """`count` DRAFT orders, each a copy of the demo's first DRAFT order and its lines."""
    from sqlalchemy import insert, select

    from domain.store.db import create_engine
    from domain.store.tables import SalesOrder, SalesOrderLine

    orders, lines = SalesOrder.__table__, SalesOrderLine.__table__
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            template = (
                await conn.execute(
                    select(orders).where(orders.c.status == "DRAFT").order_by(orders.c.id).limit(1)
                )
            ).one()
            template_lines = (
                await conn.execute(select(lines).where(lines.c.order_id == template.id))
            ).all()
            last = (
                await conn.execute(select(orders.c.id).order_by(orders.c.id.desc()).limit(1))
            ).scalar()
            row = {k: v for k, v in template._mapping.items() if k != "id"}
            for start in range(0, count, 1000):
                batch = min(1000, count - start)
                await conn.execute(insert(orders), [row] * batch)
            made = (
                (
                    await conn.execute(
                        select(orders.c.id).where(orders.c.id > last).order_by(orders.c.id)
                    )
                )
                .scalars()
                .all()
            )
            line_rows = [
                {k: v for k, v in line._mapping.items() if k != "id"} | {"order_id": order_id}
                for order_id in made
                for line in template_lines
            ]
            for start in range(0, len(line_rows), 2000):
                await conn.execute(insert(lines), line_rows[start : start + 2000])
        return list(made)
    finally:
        await engine.dispose()


# -- the phases ---------------------------------------------------------------------------------


def gid(type_name: str, pk: int) -> str:
    from api.ids import to_global_id

    return to_global_id(type_name, pk)


async def post(http: httpx.AsyncClient, port: int, token: str, query: str, variables: dict) -> dict:
    response = await http.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


async def changes_at_rate(
    http: httpx.AsyncClient, ports: list[int], token: str, orders: list[int], rate: float
) -> dict:
    """Submit `orders` at `rate` per second (one request each, not waiting for the previous
    ones): when each was sent and answered, and whether it was refused."""
    started = time.time()
    done: dict[int, tuple[float, float, bool]] = {}

    async def change(n: int, order: int) -> None:
        await asyncio.sleep(max(0.0, started + n / rate - time.time()))
        sent = time.time()
        try:
            answer = await post(
                http, ports[n % len(ports)], token, SUBMIT_ORDER, {"id": gid("SalesOrder", order)}
            )
            ok = answer["data"]["salesOrderSubmit"]["errors"] == []
        except Exception:
            ok = False
        done[order] = (sent, time.time(), ok)

    await asyncio.gather(*(change(n, order) for n, order in enumerate(orders)))
    return done


def per_item(before: int, marks: list[int], count: int) -> str:
    """Resident memory per item: after the first wave (marks: resident KiB after each wave of
    WAVE items), and overall."""
    overall = (marks[-1] - before) / count
    if len(marks) < 2:
        return f"{overall:.1f} KiB"
    later = (marks[-1] - marks[0]) / (count - WAVE)
    return f"{later:.1f} KiB ({overall:.1f} KiB counting the first {WAVE:,})"


def client_load(clients: Clients, before: list[float], seconds: float) -> str:
    busiest = max(after - b for after, b in zip(clients.cpu(), before, strict=True)) / seconds
    flag = "  (a client process saturated a core)" if busiest > 0.9 else ""
    return f"busiest client process {busiest:.0%} of a core{flag}"


async def targeted(
    http: httpx.AsyncClient,
    servers: Servers,
    clients: Clients,
    tokens: dict,
    own_orders: list[int],
    changed_orders: list[int],
    rate: float,
    change_cpu_ms: float,
) -> None:
    """Submit `changed_orders` at `rate` per second; each has one subscriber."""
    n = len(own_orders)
    clients.expect([])
    cpu, client_cpu, started = servers.cpu(), clients.cpu(), time.time()
    done = await changes_at_rate(http, servers.ports, tokens["planner"], changed_orders, rate)
    sending = time.time() - started
    await asyncio.sleep(3)  # the last ones arrive
    event_cpu_ms = (servers.cpu() - cpu) * 1000 / max(1, len(done))
    got = await clients.receipts(None, 0)
    arrived: dict[int, list[float]] = {}
    for at, socket, value in got:
        recorded = datetime.fromisoformat(value["occurredAt"]).timestamp()
        arrived.setdefault(own_orders[socket], []).append(at - recorded)
    made = [order for order, (*_, ok) in done.items() if ok]
    lost = [order for order in made if order not in arrived]
    duplicated = sum(len(v) - 1 for v in arrived.values() if len(v) > 1)
    delivery = [arrived[order][0] * 1000 for order in made if order in arrived]
    answered = [(done[o][1] - done[o][0]) * 1000 for o in done]
    print(
        f"targeted at {rate:g}/s: {len(made):,} changes in {sending:.1f} s "
        f"({len(made) / sending:.0f}/s; {len(done) - len(made)} refused) over {n:,} connections: "
        f"delivery p50 {percentile(delivery, 0.5):.0f} ms, p99 {percentile(delivery, 0.99):.0f} ms "
        f"from commit; lost {len(lost)}, duplicated {duplicated}; mutation answered p50 "
        f"{percentile(answered, 0.5):.0f} ms, p99 {percentile(answered, 0.99):.0f} ms; "
        f"server CPU {event_cpu_ms:.1f} ms per event (a change alone: {change_cpu_ms:.1f}); "
        f"{client_load(clients, client_cpu, sending)}"
    )


async def bench_setup(
    servers: Servers, tokens: dict, orders: list[int], plan_id: str, args
) -> None:
    ports = servers.ports
    n = args.connections
    baseline_orders, own_orders = orders[:BASELINE_CHANGES], orders[BASELINE_CHANGES:][:n]
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=200)) as http:
        # The cost of a change by itself, before any connection opens.
        cpu = servers.cpu()
        base = await changes_at_rate(http, ports, tokens["planner"], baseline_orders, args.rates[0])
        await asyncio.sleep(1)
        change_cpu_ms = (servers.cpu() - cpu) * 1000 / len(base)
        refused = sum(1 for *_, ok in base.values() if not ok)
        print(
            f"a change alone: {change_cpu_ms:.1f} ms server CPU ({len(base)} submits at {args.rates[0]:g}/s, {refused} refused)"
        )

        cpu_pin = 1 if args.pin else None
        clients = Clients(args.clients, cpu_pin)
        try:
            # 1. Idle authenticated connections. The first wave's memory includes what any
            # burst of work leaves the allocator holding; the waves after it show what each more
            # connection costs.
            await asyncio.sleep(1)
            urls = [f"ws://127.0.0.1:{ports[i % len(ports)]}/graphql" for i in range(n)]
            waves = [urls[i : i + WAVE] for i in range(0, n, WAVE)]
            rss, cpu, client_cpu, started = servers.rss(), servers.cpu(), clients.cpu(), time.time()
            marks = []
            for wave in waves:
                await clients.open(wave, tokens["vp"])
                await servers.settle(http, "salesplan_websockets_active", len(clients.sockets))
                marks.append(servers.rss())
            opened = time.time() - started
            open_cpu_ms = (servers.cpu() - cpu) * 1000 / n
            print(
                f"idle connections: {n:,} opened in {opened:.1f} s; {open_cpu_ms:.2f} ms server CPU "
                f"per opening (with its authentication); {per_item(rss, marks, n)} per idle "
                f"connection; {client_load(clients, client_cpu, opened)}"
            )

            # 2. One subscription each, to its own order, in waves as for the connections.
            rss, cpu, marks = servers.rss(), servers.cpu(), []
            for start in range(0, n, WAVE):
                sockets = range(start, min(n, start + WAVE))
                await clients.subscribe(
                    [
                        (s, "o", ORDER_CHANGES, {"id": gid("SalesOrder", own_orders[s])})
                        for s in sockets
                    ]
                )
                await servers.settle(http, "salesplan_subscriptions_active", sockets.stop)
                marks.append(servers.rss())
            print(
                f"subscriptions: {per_item(rss, marks, n)} per subscription; "
                f"{(servers.cpu() - cpu) * 1000 / n:.2f} ms server CPU to set one up"
            )

            # 3. Targeted: a steady rate of changes over distinct orders, at each rate asked.
            unchanged = own_orders[:]
            random.Random(16).shuffle(unchanged)
            for rate in args.rates:
                count = int(rate * args.seconds)
                changed_orders, unchanged = unchanged[:count], unchanged[count:]
                await targeted(
                    http, servers, clients, tokens, own_orders, changed_orders, rate, change_cpu_ms
                )
                await servers.settle(http, "salesplan_subscriptions_active", n)
            await clients.complete([(s, "o") for s in range(n)])
            await servers.settle(http, "salesplan_subscriptions_active", 0)

            # 4. Broadcast to the subscribers of one plan.
            status = "DRAFT"
            for size in args.broadcast:
                size = min(size, n)
                for shared in (True, False):
                    op = f"b{size}{'s' if shared else 'u'}"
                    await clients.subscribe(
                        [
                            (s, op, SHARED if shared else UNSHARED % s, {"id": plan_id})
                            for s in range(size)
                        ]
                    )
                    await servers.settle(http, "salesplan_subscriptions_active", size)
                    last_ms, every_ms, missing = [], [], 0
                    cpu, client_cpu, started = servers.cpu(), clients.cpu(), time.time()
                    for _ in range(args.rounds):
                        counts = clients.expect(list(range(size)))
                        mutation, field = (
                            (SUBMIT_PLAN, "salesPlanSubmit")
                            if status == "DRAFT"
                            else (WITHDRAW_PLAN, "salesPlanWithdraw")
                        )
                        answer = await post(
                            http, ports[-1], tokens["planner"], mutation, {"id": plan_id}
                        )
                        answered = time.time()
                        result = answer["data"][field]
                        assert result["errors"] == [], result
                        status = result["salesPlan"]["status"]
                        got = await clients.receipts(counts, 30)
                        missing += size - len(got)
                        times = [(at - answered) * 1000 for at, _, _ in got]
                        every_ms += times
                        last_ms.append(max(times, default=float("nan")))
                        await asyncio.sleep(0.3)
                    spent = time.time() - started
                    change_ms = (servers.cpu() - cpu) * 1000 / args.rounds
                    print(
                        f"broadcast {size:>5,} {'shared  ' if shared else 'unshared'}: last subscriber "
                        f"p50 {percentile(last_ms, 0.5):.0f} ms, p99 {percentile(last_ms, 0.99):.0f} ms; "
                        f"every delivery p50 {percentile(every_ms, 0.5):.0f} ms; missing {missing}; "
                        f"server CPU {change_ms:.0f} ms per change; "
                        f"{client_load(clients, client_cpu, spent)}"
                    )
                    await clients.complete([(s, op) for s in range(size)])
                    await servers.settle(http, "salesplan_subscriptions_active", 0)
        finally:
            await clients.close()


def start_servers(salesplan: str, env: dict, ports: list[int], pin: bool) -> list:
    started = [
        subprocess.Popen(
            [salesplan, "serve"],
            env={**env, "PORT": str(port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    if pin:
        for process in started:
            os.sched_setaffinity(process.pid, {0})
    return started


async def one_setup(name: str, database_url: str, processes: int, broker: str | None, args) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "APP_ENV": "development",
        "LOG_LEVEL": "warning",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each process answers /metrics for itself
    if broker:
        env["EVENT_BROKER_URL"] = broker
    if database_url.startswith("postgresql"):
        await fresh_postgres(database_url)
    salesplan = str(BIN / "salesplan")
    run(salesplan, "migrate", env=env)
    run(salesplan, "demo", env=env)
    orders = await copy_orders(database_url, BASELINE_CHANGES + args.connections)
    tokens = {login: run(salesplan, "token", login, env=env) for login in ("vp", "planner")}
    ports = [FIRST_PORT + i for i in range(processes)]
    started = start_servers(salesplan, env, ports, args.pin)
    servers = Servers(ports, started)
    try:
        await asyncio.gather(*(wait_ready(p) for p in ports))
        async with httpx.AsyncClient() as http:
            found = await post(http, ports[0], tokens["planner"], FIND_PLAN, {})
        plan_id = found["data"]["salesPlans"]["nodes"][0]["id"]
        print(
            f"\n== {name}: {processes} server process{'es' if processes > 1 else ''}, "
            f"{database_url.split('://')[0]}, broker {broker or 'in-process'}; "
            f"{args.clients} client processes{', pinned apart' if args.pin else ''}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        await bench_setup(servers, tokens, orders, plan_id, args)
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--setups",
        default="one,two",
        help="one: one process on SQLite; two: two processes with the Redis broker on PostgreSQL",
    )
    parser.add_argument(
        "--postgres",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/salesplan_bench_live",
        help="database for `two` (dropped and created again)",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument(
        "--rates", default="100", help="targeted changes per second (several: one after another)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="of targeted changes")
    parser.add_argument("--broadcast", default="1000,5000", help="subscriber counts")
    parser.add_argument("--rounds", type=int, default=5, help="status changes per broadcast")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="server on the first CPU, clients on the second (default: with one "
        "server process, on a machine of several CPUs)",
    )
    args = parser.parse_args()
    args.broadcast = [int(s) for s in args.broadcast.split(",") if s]
    args.rates = [float(r) for r in args.rates.split(",") if r]
    if int(sum(args.rates) * args.seconds) > args.connections:
        sys.exit("--rates x --seconds changes need as many connections (one order each)")
    for setup in args.setups.split(","):
        if setup == "one":
            pin = args.pin if args.pin is not None else (os.cpu_count() or 1) > 1
            tmp = tempfile.mkdtemp(prefix="bench-live-")
            asyncio.run(
                one_setup(
                    "one process",
                    f"sqlite+aiosqlite:///{tmp}/bench.db",
                    1,
                    None,
                    argparse.Namespace(**{**vars(args), "pin": pin}),
                )
            )
        elif setup == "two":
            asyncio.run(
                one_setup(
                    "two processes",
                    args.postgres,
                    2,
                    args.redis,
                    argparse.Namespace(**{**vars(args), "pin": bool(args.pin)}),
                )
            )
        else:
            sys.exit(f"unknown setup {setup!r}")


if __name__ == "__main__":
    main()
