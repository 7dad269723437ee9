"""Subscription fan-out: N websocket subscribers, one plan status change, time to the last delivery.

    .venv/bin/python bench/subscriptions.py                      # N = 100, 1000, 5000; one process
    .venv/bin/python bench/subscriptions.py --sizes 1000 --processes 2 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench --broker redis://127.0.0.1:6379/0

The server runs as its own process(es) (`salesplan serve`), the subscribers in this one (a real
websocket client). For each size: open N connections (spread over the server processes), each
authenticates and subscribes to `salesPlanStatusChanged(planId:)`; then one plan is submitted or
withdrawn over HTTP, several times. Latency is measured from the moment the mutation's response
arrives (its transaction has committed by then) to each subscriber's receipt; the figures printed
are p50, p99 and max over all deliveries, and the server's resident memory per connection.
"""

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
# Subscribers in different groups (here: operation names) each resolve the event themselves;
# those of one group share one answer (api.live.shared_answers).
QUERY = "subscription Watch%d($id: ID) { salesPlanStatusChanged(planId: $id) { cursor toStatus } }"
SUBMIT = "mutation($id: ID!) { salesPlanSubmit(input: {id: $id}) { salesPlan { status } errors { code } } }"
FIND_PLAN = '{ salesPlans(first: 1, where: {statusIn: [DRAFT], periodFrom: "2026-12-01"}) { nodes { id } } }'
WITHDRAW = "mutation($id: ID!) { salesPlanWithdraw(input: {id: $id}) { salesPlan { status } errors { code } } }"


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


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"no server on port {port}")


class Round:
    """One status change: counts the subscribers still waiting for it."""

    def __init__(self, size: int) -> None:
        self.waiting = size
        self.done = asyncio.Event()

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.done.set()


class Subscriber:
    def __init__(self, url: str, token: str, plan_id: str, group: int) -> None:
        self.url, self.token, self.plan_id, self.group = url, token, plan_id, group
        self.received: list[float] = []
        self.round: Round | None = None
        self.ws = None
        self.task: asyncio.Task | None = None

    async def open(self) -> None:
        self.ws = await connect(
            self.url, subprotocols=["graphql-transport-ws"], max_queue=None, compression=None
        )
        await self.ws.send(
            json.dumps({"type": "connection_init", "payload": {"token": self.token}})
        )
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        await self.ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": QUERY % self.group,
                        "variables": {"id": self.plan_id},
                    },
                }
            )
        )
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "next":
                self.received.append(time.perf_counter())
                if self.round is not None and len(self.received) == 1:
                    self.round.arrived()
            elif message["type"] == "ping":
                await self.ws.send('{"type":"pong"}')

    async def close(self) -> None:
        self.task.cancel()
        await self.ws.close()


async def plan_status(http: httpx.AsyncClient, port: int, tokens: dict, plan_id: str) -> str:
    response = await http.post(
        f"http://127.0.0.1:{port}/graphql",
        json={
            "query": "query($id: ID!) { salesPlan(id: $id) { status } }",
            "variables": {"id": plan_id},
        },
        headers={"Authorization": f"Bearer {tokens['planner']}"},
    )
    return response.json()["data"]["salesPlan"]["status"]


async def measure(
    ports: list[int],
    pids: list[int],
    tokens: dict,
    plan_id: str,
    size: int,
    rounds: int,
    groups: int,
) -> dict:
    memory_before = sum(rss_kib(p) for p in pids)
    subscribers = [
        Subscriber(
            f"ws://127.0.0.1:{ports[i % len(ports)]}/graphql",
            tokens["vp"],
            plan_id,
            group=i % (groups or size),
        )
        for i in range(size)
    ]
    for start in range(0, size, 200):  # open in batches so the server's accept queue keeps up
        await asyncio.gather(*(s.open() for s in subscribers[start : start + 200]))
    await asyncio.sleep(1.0 + size / 2000)  # let every subscription register
    memory_after = sum(rss_kib(p) for p in pids)
    latencies: list[float] = []
    last_deliveries: list[float] = []  # per event: commit to the last subscriber served
    missing = 0
    server_cpu = sum(cpu_seconds(p) for p in pids)
    client_cpu = cpu_seconds(os.getpid())
    async with httpx.AsyncClient(timeout=30) as http:
        status = await plan_status(http, ports[-1], tokens, plan_id)
        for _ in range(rounds):
            # Submit a draft, withdraw a submitted plan: each round is one status change.
            mutation, field = (
                (SUBMIT, "salesPlanSubmit")
                if status == "DRAFT"
                else (WITHDRAW, "salesPlanWithdraw")
            )
            this_round = Round(size)
            for s in subscribers:
                s.received.clear()
                s.round = this_round
            response = await http.post(
                f"http://127.0.0.1:{ports[-1]}/graphql",
                json={"query": mutation, "variables": {"id": plan_id}},
                headers={"Authorization": f"Bearer {tokens['planner']}"},
            )
            committed = time.perf_counter()
            result = response.json()["data"][field]
            assert result["errors"] == [], result
            status = result["salesPlan"]["status"]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(this_round.done.wait(), 10)
            missing += sum(1 for s in subscribers if not s.received)
            this_event = [s.received[0] - committed for s in subscribers if s.received]
            latencies += this_event
            last_deliveries.append(max(this_event, default=float("nan")))
            await asyncio.sleep(0.3)
    server_cpu = sum(cpu_seconds(p) for p in pids) - server_cpu
    client_cpu = cpu_seconds(os.getpid()) - client_cpu
    await asyncio.gather(*(s.close() for s in subscribers))
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    last_ms = sorted(x * 1000 for x in last_deliveries)
    return {
        "size": size,
        "deliveries": len(ms),
        "missing": missing,
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "max_ms": ms[-1],
        "last_p50_ms": statistics.median(last_ms),
        "last_p99_ms": last_ms[min(len(last_ms) - 1, int(len(last_ms) * 0.99))],
        "kib_per_connection": (memory_after - memory_before) / size,
        "server_cpu_ms": server_cpu * 1000 / rounds,
        "client_cpu_ms": client_cpu * 1000 / rounds,
    }


async def bench(ports: list[int], pids: list[int], tokens: dict, args) -> None:
    await asyncio.gather(*(wait_ready(p) for p in ports))
    async with httpx.AsyncClient() as http:
        found = await http.post(
            f"http://127.0.0.1:{ports[0]}/graphql",
            json={"query": FIND_PLAN},
            headers={"Authorization": f"Bearer {tokens['planner']}"},
        )
    plan_id = found.json()["data"]["salesPlans"]["nodes"][0]["id"]
    print(
        "latency from the mutation's response: per delivery (p50, p99, max), and per event to the"
    )
    print(
        "last subscriber served (last p50, last p99); server memory per connection; CPU per event"
    )
    print(
        f"{'subscribers':>11} {'deliveries':>10} {'missing':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'last p50':>8} {'last p99':>8} {'KiB/conn':>8} {'server CPU ms':>13} "
        f"{'client CPU ms':>13}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        r = await measure(ports, pids, tokens, plan_id, size, args.rounds, args.groups)
        print(
            f"{r['size']:>11} {r['deliveries']:>10} {r['missing']:>7} {r['p50_ms']:>7.1f} "
            f"{r['p99_ms']:>7.1f} {r['max_ms']:>7.1f} {r['last_p50_ms']:>8.1f} "
            f"{r['last_p99_ms']:>8.1f} {r['kib_per_connection']:>8.1f} "
            f"{r['server_cpu_ms']:>13.0f} {r['client_cpu_ms']:>13.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--rounds", type=int, default=5, help="status changes per size")
    parser.add_argument(
        "--groups",
        type=int,
        default=1,
        help="distinct subscription documents (1: all share one answer; 0: none share)",
    )
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--broker", default=None, help="EVENT_BROKER_URL for several processes")
    args = parser.parse_args()
    if args.processes > 1 and not args.broker:
        sys.exit("several processes need --broker (redis://... or postgresql://...)")
    tmp = tempfile.mkdtemp(prefix="bench-subs-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db",
        "SECRET_KEY": SECRET,
        "APP_ENV": "development",
    }
    if args.broker:
        env["EVENT_BROKER_URL"] = args.broker
    salesplan = str(BIN / "salesplan")
    run(salesplan, "migrate", env=env)
    run(salesplan, "demo", "--if-empty", env=env)
    tokens = {login: run(salesplan, "token", login, env=env) for login in ("vp", "planner")}
    ports = [18400 + i for i in range(args.processes)]
    servers = [
        subprocess.Popen(
            [salesplan, "serve"],
            env={**env, "PORT": str(p)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ]
    database = env["DATABASE_URL"].split("://")[0]
    print(
        f"processes={args.processes} database={database} broker={args.broker or 'in-process'} "
        f"groups={args.groups or 'one per subscriber'}"
    )
    try:
        asyncio.run(bench(ports, [s.pid for s in servers], tokens, args))
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(timeout=10)


if __name__ == "__main__":
    main()
