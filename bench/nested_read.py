"""The full nested read over HTTP: companies → departments → salespeople → plans → lines → product.

    .venv/bin/python bench/nested_read.py                      # scale 10 on a temporary SQLite file
    .venv/bin/python bench/nested_read.py --scale 30 --runs 5
    .venv/bin/python bench/nested_read.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

The demo organisation is loaded at --scale into a fresh database (a temporary SQLite file, or the
empty database named by --database-url), then the server runs as its own process exactly as
`salesplan serve` runs it, and this process times the query over HTTP as a client would: one
warm-up, then --runs timed requests. Printed: the median (and min/max) wall time, the bytes and
the rows returned, and the number of SQL statements the request sends (counted in a separate
in-process run of the same app, since the server process cannot be instrumented from here).
"""

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"

# Every level, with each plan's owner, author, parent and lines with their product. The
# statement-count test (tests/api/test_statement_count.py) runs this same query.
QUERY = """
query FullNestedRead {
  companies(first: 1) {
    totalCount
    nodes {
      id code name
      salesPlans(first: 12) { totalCount nodes { ...Plan } }
      departments(first: 100) {
        totalCount
        nodes {
          id code name
          company { code }
          manager { login }
          vpInCharge { login }
          salesPlans(first: 12) { totalCount nodes { ...Plan } }
          salespeople(first: 4) {
            totalCount
            nodes {
              id code name
              department { code }
              salesPlans(first: 12) { totalCount nodes { ...Plan } }
            }
          }
        }
      }
    }
  }
}

fragment Plan on SalesPlan {
  id title status version granularity periodStart periodEnd
  owner {
    __typename
    ... on Company { code }
    ... on Department { code }
    ... on Salesperson { code }
  }
  author { login displayName }
  parent { id title status }
  lines(first: 100) {
    totalCount
    nodes { id period quantity amount product { id code name unit listPrice } }
  }
}
"""


def salesplan(*args: str, env: dict) -> str:
    """Run the project's console script, as a user would; its standard output."""
    done = subprocess.run(
        [str(BIN / "salesplan"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"salesplan {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def counted_rows(data: dict) -> tuple[int, int, int]:
    """(plans, lines, leaf values) in a response's data."""
    plans = lines = 0
    company = data["companies"]["nodes"]
    lists = [c["salesPlans"] for c in company]
    for c in company:
        for d in c["departments"]["nodes"]:
            lists.append(d["salesPlans"])
            lists += [s["salesPlans"] for s in d["salespeople"]["nodes"]]
    for plan_list in lists:
        plans += len(plan_list["nodes"])
        lines += sum(len(p["lines"]["nodes"]) for p in plan_list["nodes"])

    def leaves(value) -> int:
        if isinstance(value, dict):
            return sum(leaves(v) for v in value.values())
        if isinstance(value, list):
            return sum(leaves(v) for v in value)
        return 1

    return plans, lines, leaves(data)


async def wait_until_ready(base: str, server: subprocess.Popen) -> str | None:
    """None once /readyz answers 200; otherwise why the server never got there."""
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            if server.poll() is not None:
                return "the server stopped"
            try:
                if (await http.get(f"{base}/readyz")).status_code == 200:
                    return None
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    return "the server did not become ready in 30 s"


async def time_over_http(url: str, token: str, runs: int) -> tuple[list[float], bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    body = b""
    async with httpx.AsyncClient(timeout=600) as http:
        for i in range(runs + 1):
            started = time.perf_counter()
            response = await http.post(url, json={"query": QUERY}, headers=headers)
            elapsed = time.perf_counter() - started
            body = response.content
            if response.status_code != 200 or b'"errors"' in body[:100_000]:
                sys.exit(f"the query failed: {response.status_code} {body[:2000]!r}")
            print(f"  {'warm-up' if i == 0 else f'run {i}':8} {elapsed:7.3f} s", flush=True)
            if i > 0:  # the first run warms caches up
                times.append(elapsed)
    return times, body


async def count_statements(database_url: str, token: str) -> int:
    """The SQL statements of one request, in-process with the same app (no background work)."""
    from sqlalchemy import event

    from api.app import create_app
    from domain.config import Settings
    from domain.store.db import create_engine

    gc.set_threshold(50_000, 20, 100)  # as `salesplan serve` runs
    engine = create_engine(database_url)
    settings = Settings(database_url=database_url, secret_key=SECRET)
    app = create_app(settings, engine)
    statements = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as c:
            response = await c.post(
                "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 200, response.text[:2000]
    finally:
        await engine.dispose()
    return sum(1 for s in statements if not s.startswith("BEGIN"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="demo size (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after a warm-up")
    parser.add_argument(
        "--database-url", help="an EMPTY database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-nested-") as tmp:
        database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "APP_ENV": "development",
            "PORT": str(port),
        }
        started = time.perf_counter()
        salesplan("migrate", env=env)
        print(salesplan("demo", "--scale", str(args.scale), env=env), flush=True)
        token = salesplan("token", "vp", env=env)
        print(f"loaded in {time.perf_counter() - started:.1f} s into {database_url}", flush=True)

        log = Path(tmp) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [str(BIN / "salesplan"), "serve", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            problem = asyncio.run(wait_until_ready(base, server))
            if problem:
                sys.exit(f"{problem}:\n{log.read_text()}")
            print(f"server ready in {time.perf_counter() - started:.1f} s", flush=True)
            times, body = asyncio.run(time_over_http(f"{base}/graphql", token, args.runs))
        finally:
            server.terminate()
            server.wait(timeout=30)
        started = time.perf_counter()
        statements = asyncio.run(count_statements(database_url, token))
        print(f"statements counted in-process in {time.perf_counter() - started:.1f} s")

    plans, lines, leaves = counted_rows(orjson.loads(body)["data"])
    median = statistics.median(times)
    print()
    print(f"full nested read, scale {args.scale}, {args.runs} runs after one warm-up")
    print(f"  median       {median:8.3f} s   (min {min(times):.3f}, max {max(times):.3f})")
    print(f"  response     {len(body) / 1e6:8.2f} MB  ({len(body):,} bytes)")
    print(f"  rows         {plans:8,} plans, {lines:,} lines, {leaves:,} leaf values")
    print(f"  per line     {median / lines * 1e6:8.1f} µs")
    print(f"  statements   {statements:8}   (SQL sent for the request, BEGIN excluded)")


if __name__ == "__main__":
    main()
