"""Speed of requests, small and large, in one run.

    .venv/bin/python bench/query.py                                  # SQLite, every part
    .venv/bin/python bench/query.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/query.py --parts small,transition --seconds 20 --clients 20
    .venv/bin/python bench/query.py --parts full --scales 1,12,34 --runs 3

Parts (--parts, default all):
- `small`: the small query (one plan with its lines and their products), as a client sends it
  (a sign-in token from authLogin): the server's CPU per request (sequential requests, the
  server process's own CPU time), the SQL statements of one request (counted in-process), then
  --clients keep-alive clients for --seconds (bench/load_client.py, in its own process): rps,
  p50, p99.
- `transition`: plan transitions (submit, withdraw, approve, reject): server CPU per transition
  and SQL statements per transition, end to end (authentication and the payload included).
- `full`: the full nested read of bench/nested_read.py at each --scales: the floor (the same
  bytes from plain SQL), the standard executor and the compiled path (api/compiled), in-process
  and over HTTP, their ratios to the floor, statements and the server's peak memory.

Each scale gets a fresh database: a temporary SQLite file, or, with --database-url, that
PostgreSQL database DROPPED and created again. The server runs as its own process exactly as
`salesplan serve` runs it, with rate limits raised out of the way (everything else as deployed).
Say how loaded the machine was: figures on a busy machine are slower.
"""

import argparse
import asyncio
import contextlib
import contextvars
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nested_read import free_port, salesplan, wait_until_ready  # noqa: E402

BIN = Path(sys.executable).parent
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
PASSWORD = "salesplan-demo"
TICKS = os.sysconf("SC_CLK_TCK")

SMALL_QUERY = """
query SmallRead($id: ID!) {
  salesPlan(id: $id) {
    id title status version
    lines(first: 100) { nodes { id period quantity amount product { id code name unit } } }
  }
}
"""

LOGIN = """
mutation Login($login: String!, $password: String!) {
  authLogin(input: {login: $login, password: $password}) {
    tokens { accessToken }
    errors { code message }
  }
}
"""

TRANSITION = """
mutation Transition($input: SalesPlan{name}Input!) {{
  salesPlan{name}(input: $input) {{
    salesPlan {{ id status version }}
    errors {{ code message field }}
  }}
}}
"""

# ---- the server and the database -------------------------------------------------------------


def fresh_database(database_url: str | None, tmp: str, label: str) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL one dropped and created again."""
    if database_url is None:
        return f"sqlite+aiosqlite:///{tmp}/bench-{label}.db"
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    name = url.database

    async def recreate() -> None:
        import asyncpg

        conn = await asyncpg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database="postgres",
        )
        try:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return database_url


def environment(database_url: str, port: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "APP_ENV": "development",
        "PORT": str(port),
        # The benchmark asks for more than a user's rate budget allows; nothing else changes.
        "RATE_LIMIT_CAPACITY": "1e12",
        "RATE_LIMIT_RESTORE_RATE": "1e12",
    }


def load_demo(env: dict, scale: int) -> None:
    started = time.perf_counter()
    salesplan("migrate", env=env)
    print(salesplan("demo", "--scale", str(scale), env=env), flush=True)
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)


@contextlib.contextmanager
def serving(env: dict, tmp: str) -> Iterator[tuple[str, int]]:
    """`salesplan serve` in its own process: (base URL, pid)."""
    log = Path(tmp) / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(BIN / "salesplan"), "serve", "--port", env["PORT"]],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        problem = asyncio.run(wait_until_ready(base, server))
        if problem:
            sys.exit(f"{problem}:\n{log.read_text()[-5000:]}")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


# ---- clients ----------------------------------------------------------------------------------


async def sign_in(url: str, login: str) -> str:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            url, json={"query": LOGIN, "variables": {"login": login, "password": PASSWORD}}
        )
    tokens = response.json()["data"]["authLogin"]["tokens"]
    if tokens is None:
        sys.exit(f"authLogin {login} failed: {response.text}")
    return tokens["accessToken"]


async def post(http: httpx.AsyncClient, url: str, token: str, query: str, variables=None):
    response = await http.post(
        url,
        content=orjson.dumps({"query": query, "variables": variables or {}}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        sys.exit(f"request failed: {response.status_code} {response.text[:2000]}")
    return body["data"]


def plan_ids(database_url: str, where: str, limit: int) -> list[str]:
    """Global ids of plans matching a SQL condition, in id order."""
    from sqlalchemy import text

    from api.ids import to_global_id
    from domain.store.db import create_engine

    async def read() -> list[int]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                return list(
                    (
                        await conn.execute(
                            text(f"SELECT id FROM sales_plan WHERE {where} ORDER BY id LIMIT :n"),
                            {"n": limit},
                        )
                    ).scalars()
                )
        finally:
            await engine.dispose()

    return [to_global_id("SalesPlan", pk) for pk in asyncio.run(read())]


# ---- statements, counted in-process ---------------------------------------------------------

IN_REQUEST = contextvars.ContextVar("in_request", default=False)


class InProcess:
    """The same app in this process, to count the SQL statements a request sends (only those
    sent while serving it: the event hub's background work is not the request's)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    async def __aenter__(self) -> "InProcess":
        from sqlalchemy import event

        from api.app import create_app
        from api.limits.settings import LimitSettings
        from domain.config import Settings
        from domain.store.db import create_engine

        self.engine = create_engine(self.database_url)
        settings = Settings(database_url=self.database_url, secret_key=SECRET)
        limits = LimitSettings(
            _env_file=None, rate_limit_capacity=1e12, rate_limit_restore_rate=1e12
        )
        self.app = create_app(settings, self.engine, limits)
        self.statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            if IN_REQUEST.get() and not statement.startswith("BEGIN"):
                self.statements.append(statement)

        event.listen(self.engine.sync_engine, "before_cursor_execute", count)
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()

        async def marked(scope, receive, send) -> None:
            token = IN_REQUEST.set(True)
            try:
                await self.app(scope, receive, send)
            finally:
                IN_REQUEST.reset(token)

        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=marked), base_url="http://bench", timeout=600
        )
        self.url = "http://bench/graphql"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.aclose()
        await self._lifespan.__aexit__(*exc)
        await self.engine.dispose()

    async def counted(self, token: str, query: str, variables=None) -> tuple[dict, list[str]]:
        """One request's data and the statements it sent."""
        self.statements = []
        data = await post(self.http, self.url, token, query, variables)
        return data, self.statements


# ---- the small query ------------------------------------------------------------------------


async def small_query_cpu(url: str, pid: int, token: str, plan: str, requests: int) -> float:
    """Server CPU per request, in ms, over `requests` sequential requests."""
    variables = {"id": plan}
    async with httpx.AsyncClient(timeout=60) as http:
        for _ in range(20):  # warm up
            await post(http, url, token, SMALL_QUERY, variables)
        before = cpu_seconds(pid)
        for _ in range(requests):
            await post(http, url, token, SMALL_QUERY, variables)
        return (cpu_seconds(pid) - before) / requests * 1000


def load_test(url: str, token: str, plan: str, clients: int, seconds: float) -> dict:
    body = orjson.dumps({"query": SMALL_QUERY, "variables": {"id": plan}}).decode()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_client.py"),
            "--url",
            url,
            "--body",
            body,
            "--token",
            token,
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"load client failed:\n{done.stderr}")
    return json.loads(done.stdout)


def small_part(args, env: dict, database_url: str, tmp: str) -> dict:
    plan = plan_ids(database_url, "owner_kind = 'DEPARTMENT'", 1)[0]

    async def statements() -> tuple[int, int]:
        async with InProcess(database_url) as app:
            token = await post_login(app.http, app.url, "vp")
            await app.counted(token, SMALL_QUERY, {"id": plan})  # warm up, as a client in use
            data, sent = await app.counted(token, SMALL_QUERY, {"id": plan})
            return len(sent), len(data["salesPlan"]["lines"]["nodes"])

    sent, lines = asyncio.run(statements())
    with serving(env, tmp) as (base, pid):
        url = f"{base}/graphql"
        token = asyncio.run(sign_in(url, "vp"))
        cpu = asyncio.run(small_query_cpu(url, pid, token, plan, args.requests))
        load = load_test(url, token, plan, args.clients, args.seconds)
    return {"lines": lines, "statements": sent, "cpu_ms": cpu, **load}


async def post_login(http: httpx.AsyncClient, url: str, login: str) -> str:
    response = await http.post(
        url, json={"query": LOGIN, "variables": {"login": login, "password": PASSWORD}}
    )
    return response.json()["data"]["authLogin"]["tokens"]["accessToken"]


# ---- plan transitions -----------------------------------------------------------------------


def transition_query(name: str) -> str:
    return TRANSITION.format(name=name)


async def transition(http, url: str, token: str, name: str, plan: str, **extra) -> dict:
    data = await post(http, url, token, transition_query(name), {"input": {"id": plan, **extra}})
    payload = data[f"salesPlan{name}"]
    if payload["errors"]:
        sys.exit(f"salesPlan{name} refused: {payload['errors']}")
    return payload["salesPlan"]


def transition_part(args, env: dict, database_url: str, tmp: str) -> dict:
    # Department plans in DRAFT: the planner submits them; the VP is their one approver.
    plans = plan_ids(database_url, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'", 3)
    if len(plans) < 3:
        sys.exit("the demo has fewer than 3 department plans in DRAFT")
    counted_plan, approved_plan, timed_plan = plans

    async def statements() -> dict:
        async with InProcess(database_url) as app:
            planner = await post_login(app.http, app.url, "planner")
            vp = await post_login(app.http, app.url, "vp")
            for token in (planner, vp):  # as a client in use: its token is known
                await app.counted(token, "{ __typename }")
            sent = {}
            for name, token, plan in [
                ("Submit", planner, counted_plan),
                ("Withdraw", planner, counted_plan),
                ("Submit", planner, counted_plan),
                ("Reject", vp, counted_plan),
                ("Submit", planner, approved_plan),
                ("Approve", vp, approved_plan),
            ]:
                extra = {"reason": "bench"} if name == "Reject" else {}
                query = transition_query(name)
                data, stmts = await app.counted(token, query, {"input": {"id": plan, **extra}})
                if data[f"salesPlan{name}"]["errors"]:
                    sys.exit(f"salesPlan{name} refused: {data}")
                sent[name] = len(stmts)
                if args.show_statements:
                    print(f"-- salesPlan{name}: {len(stmts)} statements")
                    for s in stmts:
                        print("   ", " ".join(s.split())[:160])
            return sent

    sent = asyncio.run(statements())

    async def timed(url: str, pid: int) -> dict:
        planner = await sign_in(url, "planner")
        vp = await sign_in(url, "vp")
        async with httpx.AsyncClient(timeout=60) as http:
            for _ in range(5):  # warm up
                await transition(http, url, planner, "Submit", timed_plan)
                await transition(http, url, planner, "Withdraw", timed_plan)
            cpu, wall = {}, []
            for second, token in (("Withdraw", planner), ("Reject", vp)):
                extra = {"reason": "bench"} if second == "Reject" else {}
                await asyncio.sleep(0.3)  # the hub's work of earlier commits is done
                before = cpu_seconds(pid)
                for _ in range(args.transitions):
                    started = time.perf_counter()
                    await transition(http, url, planner, "Submit", timed_plan)
                    await transition(http, url, token, second, timed_plan, **extra)
                    wall.append((time.perf_counter() - started) / 2)
                # The event hub sequences each commit's events just after its answer: that CPU
                # is the transitions' too (and a second of polling, which is not, is small).
                await asyncio.sleep(0.3)
                cpu[f"Submit+{second}"] = (
                    (cpu_seconds(pid) - before) / (2 * args.transitions) * 1000
                )
            return {"cpu_ms": cpu, "wall_ms_median": statistics.median(wall) * 1000}

    with serving(env, tmp) as (base, pid):
        times = asyncio.run(timed(f"{base}/graphql", pid))
    return {"statements": sent, **times}


# ---- the full nested read ------------------------------------------------------------------


def data_bytes(body: bytes) -> bytes:
    """The `data` member of a response, as the server wrote it (before `extensions`)."""
    start = len(b'{"data":')
    end = body.rindex(b',"extensions":') if b',"extensions":' in body else len(body) - 1
    assert body.startswith(b'{"data":'), body[:200]
    return body[start:end]


async def in_process_reads(database_url: str, runs: int) -> dict:
    """Floor, standard and compiled paths in this process (no HTTP): median wall seconds, CPU
    seconds, statements, and the bytes of each (which must be equal)."""
    import gc

    from sqlalchemy import event, text

    from api.context import Context
    from api.schema import schema
    from bench.floor import floor_read
    from bench.nested_read import QUERY
    from domain.config import Settings
    from domain.store.actors import load_actor
    from domain.store.db import create_engine, create_sessionmaker

    gc.set_threshold(50_000, 5, 100)  # as `salesplan serve` runs
    engine = create_engine(database_url)
    settings = Settings(database_url=database_url, secret_key=SECRET)
    sent: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: sent.append(sql)
    )
    try:
        async with engine.connect() as conn:
            vp_id = (
                await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))
            ).scalar_one()
        async with create_sessionmaker(engine)() as session:
            vp = await load_actor(session, vp_id)

        async def floor() -> bytes:
            async with engine.connect() as conn:
                return await floor_read(conn, vp.company_id)

        def through_schema(compiled: bool):
            async def read() -> bytes:
                context = Context(engine, settings, actor=vp, compiled_reads=compiled)
                try:
                    result = await schema.execute(QUERY, context_value=context)
                finally:
                    await context.db.close()
                assert not result.errors, result.errors
                return orjson.dumps(result.data)

            return read

        paths = {
            "floor": floor,
            "standard": through_schema(False),
            "compiled": through_schema(True),
        }
        out = {}
        for name, read in paths.items():
            body = await read()  # warm up
            walls, cpus = [], []
            for _ in range(runs):
                sent.clear()
                cpu, started = time.process_time(), time.perf_counter()
                body = await read()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            out[name] = {
                "wall": statistics.median(walls),
                "cpu": statistics.median(cpus),
                "statements": sum(1 for s in sent if not s.lstrip().upper().startswith("BEGIN")),
                "body": body,
            }
        return out
    finally:
        await engine.dispose()


async def time_http(url: str, token: str, runs: int) -> tuple[float, bytes]:
    from bench.nested_read import QUERY

    headers = {"Authorization": f"Bearer {token}"}
    times, body = [], b""
    async with httpx.AsyncClient(timeout=900) as http:
        for i in range(runs + 1):
            started = time.perf_counter()
            response = await http.post(url, json={"query": QUERY}, headers=headers)
            elapsed = time.perf_counter() - started
            body = response.content
            if response.status_code != 200 or b'"errors"' in body[-2000:]:
                sys.exit(f"the full read failed: {response.status_code} {body[:2000]!r}")
            if i > 0:  # the first warms caches up
                times.append(elapsed)
    return statistics.median(times), body


def full_part(args, scale: int, tmp: str) -> dict:
    database_url = fresh_database(args.database_url, tmp, f"full{scale}")
    env = environment(database_url, free_port())
    load_demo(env, scale)
    result = asyncio.run(in_process_reads(database_url, args.runs))
    floor_body = result["floor"]["body"]
    for name in ("standard", "compiled"):
        if result[name]["body"] != floor_body:
            sys.exit(f"scale {scale}: the {name} path's bytes differ from the floor's")
    lines = floor_body.count(b'"period":')
    for name, compiled in (("standard", "false"), ("compiled", "true")):
        with serving({**env, "COMPILED_READS": compiled}, tmp) as (base, pid):
            url = f"{base}/graphql"
            token = asyncio.run(sign_in(url, "vp"))
            median, body = asyncio.run(time_http(url, token, args.runs))
            if data_bytes(body) != floor_body:
                sys.exit(
                    f"scale {scale}: the {name} path's bytes over HTTP differ from the floor's"
                )
            result[name]["http"] = median
            result[name]["peak_mib"] = peak_memory_mib(pid)
    return {"scale": scale, "lines": lines, "bytes": len(floor_body), **result}


def print_full(full: dict, backend: str) -> None:
    floor = full["floor"]
    print(
        f"\nfull nested read, {backend}, scale {full['scale']}: {full['lines']:,} lines, "
        f"{full['bytes'] / 1e6:.1f} MB (the same bytes on every path)"
    )
    print("  path      in-process (CPU)          x floor   HTTP       x floor   statements  peak")
    for name in ("floor", "standard", "compiled"):
        r = full[name]
        http = r.get("http")
        print(
            f"  {name:9} {r['wall']:7.3f} s ({r['cpu']:6.3f} s)   "
            f"{r['wall'] / floor['wall']:6.1f}x   "
            + (f"{http:7.3f} s  {http / floor['wall']:6.1f}x" if http else " " * 19)
            + f"   {r['statements']:6}"
            + (f"      {r['peak_mib']:6.0f} MiB" if "peak_mib" in r else "")
        )
    print(f"  ({machine_load()})", flush=True)


# ---- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to DROP and recreate")
    parser.add_argument("--parts", default="small,transition,full")
    parser.add_argument(
        "--scales",
        default="1,10,29",
        help="demo scales of the full read (1,440/16,860/48,180 lines)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the full read")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--requests", type=int, default=300, help="sequential, for CPU/request")
    parser.add_argument("--transitions", type=int, default=100)
    parser.add_argument("--show-statements", action="store_true")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{backend}; {machine_load()}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
        if parts & {"small", "transition"}:
            database_url = fresh_database(args.database_url, tmp, "small")
            env = environment(database_url, free_port())
            load_demo(env, 1)
            if "small" in parts:
                small = small_part(args, env, database_url, tmp)
                print(
                    f"\nsmall query ({small['lines']} lines), {backend}:\n"
                    f"  server CPU   {small['cpu_ms']:7.2f} ms per request "
                    f"({args.requests} sequential)\n"
                    f"  statements   {small['statements']:7}\n"
                    f"  {args.clients} clients × {args.seconds:g} s: {small['rps']:.0f} rps, "
                    f"p50 {small['p50_ms']} ms, p90 {small['p90_ms']} ms, "
                    f"p99 {small['p99_ms']} ms, {small['errors']} errors"
                    + (f" (first: {small['first_error']})" if small["errors"] else ""),
                    flush=True,
                )
                print(f"  ({machine_load()})", flush=True)
            if "transition" in parts:
                result = transition_part(args, env, database_url, tmp)
                cpu = ", ".join(f"{k} {v:.2f}" for k, v in result["cpu_ms"].items())
                sent = ", ".join(f"{k} {v}" for k, v in result["statements"].items())
                print(
                    f"\nplan transitions, {backend}:\n"
                    f"  server CPU   {cpu} ms per transition (the hub's work after each included)\n"
                    f"  wall         {result['wall_ms_median']:.2f} ms (median, one client)\n"
                    f"  statements   {sent} (authentication and payload included)",
                    flush=True,
                )
                print(f"  ({machine_load()})", flush=True)
        if "full" in parts:
            for scale in (int(s) for s in args.scales.split(",")):
                print_full(full_part(args, scale, tmp), backend)


if __name__ == "__main__":
    main()
