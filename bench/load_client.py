"""A small HTTP/1.1 load generator: N keep-alive connections send one request each in turn for
S seconds; prints one JSON object (requests, errors, rps, p50, p90, p99 in ms).

    .venv/bin/python bench/load_client.py --url http://127.0.0.1:8000/graphql \
        --body '{"query": "{ viewer { login } }"}' --token ... --clients 20 --seconds 20

Run in its own process (bench/query.py starts it), so that the client's work does not count
as the server's. `wrk` is not installed here; this does what it does for a POST with a body: the
request bytes are built once, a response is read by its Content-Length, nothing is parsed.
"""

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def request_bytes(url: str, body: bytes, token: str | None) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    headers = [
        f"POST {parts.path or '/'} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    return host, port, ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def one_client(
    host: str, port: int, request: bytes, warm_until: float, until: float, out: dict
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            elapsed = time.perf_counter() - started
            if started < warm_until:
                continue
            out["latencies"].append(elapsed)
            if status != 200 or b'"errors"' in body:
                out["errors"] += 1
                if out["first_error"] is None:
                    out["first_error"] = f"{status} {body[:500]!r}"
    finally:
        writer.close()


async def run(args) -> dict:
    body = args.body.encode()
    host, port, request = request_bytes(args.url, body, args.token)
    out = {"latencies": [], "errors": 0, "first_error": None}
    now = time.perf_counter()
    warm_until = now + args.warmup
    until = warm_until + args.seconds
    await asyncio.gather(
        *(one_client(host, port, request, warm_until, until, out) for _ in range(args.clients))
    )
    latencies = sorted(out["latencies"])
    n = len(latencies)

    def pct(p: float) -> float:
        return round(latencies[min(n - 1, int(p * n))] * 1000, 2) if n else float("nan")

    return {
        "requests": n,
        "errors": out["errors"],
        "first_error": out["first_error"],
        "rps": round(n / args.seconds, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True, help="the JSON request body")
    parser.add_argument("--token")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2, help="seconds not counted first")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # the plain loop only makes the client slower
        pass
    print(json.dumps(asyncio.run(run(args))))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
