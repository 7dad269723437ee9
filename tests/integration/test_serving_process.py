"""`salesplan serve` as its own process: JSON log lines on stderr, graceful shutdown on SIGTERM
(a request in flight is answered, new connections are refused), and OpenTelemetry traces sent to
a collector when OTEL_EXPORTER_OTLP_ENDPOINT is set, none of it loaded when it is not."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from domain.store.db import create_engine
from domain.store.demo import load_demo
from domain.store.migrate import upgrade
from domain.tokens import issue_token
from tests.conftest import TEST_SECRET, free_port

VIEWER = b'{"query": "query Viewer { viewer { roles } }"}'


@pytest.fixture(scope="module")
async def database_url(tmp_path_factory) -> str:
    """A migrated SQLite file with the demo organisation, for the server processes."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('serve')}/serve.db"
    engine = create_engine(url)
    try:
        await upgrade(engine)
        await load_demo(engine)
    finally:
        await engine.dispose()
    return url


def vp_token() -> str:
    from datetime import timedelta

    return issue_token(2, "vp", TEST_SECRET, timedelta(minutes=10))


def serve(database_url: str, port: int, **env: str) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    environment.update(
        DATABASE_URL=database_url,
        SECRET_KEY=TEST_SECRET,
        APP_ENV="development",
        PORT=str(port),
        LOG_FORMAT="json",
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-3000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"server on port {port} did not start")


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.terminate()
    _, err = process.communicate(timeout=15)
    return err.decode()


def test_sigterm_lets_a_request_in_flight_finish_and_refuses_new_connections(database_url):
    port = free_port()
    process = serve(database_url, port)
    token = vp_token()
    try:
        wait_ready(port, process)
        request = (
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"X-Request-Id: in-flight-1\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Length: " + str(len(VIEWER)).encode() + b"\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(request + VIEWER[:10])  # the request has begun; its body is not all here
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert process.poll() is None  # waits for the request in flight
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
            client.sendall(VIEWER[10:])
            response = b""
            while b"\r\n\r\n" not in response or not response.rstrip().endswith(b"}"):
                chunk = client.recv(65536)
                if not chunk:
                    break
                response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        assert b"x-request-id: in-flight-1" in head.lower()
        assert json.loads(body)["data"]["viewer"]["roles"] == ["VP"]
        # uvicorn drains, then ends itself with the signal it was sent (as systemd expects).
        assert process.wait(timeout=15) == -signal.SIGTERM
    finally:
        err = stop(process)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "salesplan.access"]
    assert [line["request_id"] for line in access if line["path"] == "/graphql"] == ["in-flight-1"]
    (graphql,) = [line for line in access if line["path"] == "/graphql"]
    assert (graphql["operation"], graphql["user_id"], graphql["status"]) == ("Viewer", 2, 200)
    assert all(line["ts"] and line["level"] for line in lines)
    assert token not in err


class Collector:
    """An OTLP/HTTP trace receiver on this machine: keeps every span it is sent."""

    def __init__(self) -> None:
        self.spans: list = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                for resource_spans in request.resource_spans:
                    for scope_spans in resource_spans.scope_spans:
                        collector.spans.extend(scope_spans.spans)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_traces_reach_the_collector_with_the_callers_trace_id_and_no_query_text(database_url):
    collector = Collector()
    port = free_port()
    process = serve(
        database_url,
        port,
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="100",
        OTEL_SERVICE_NAME="salesplan-test",
    )
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    try:
        wait_ready(port, process)
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            content=VIEWER,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {vp_token()}",
                "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
            },
        )
        assert response.status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            s.name == "POST /graphql" for s in collector.spans
        ):
            time.sleep(0.1)
    finally:
        stop(process)
        collector.close()
    ours = [s for s in collector.spans if s.trace_id.hex() == trace_id]
    names = {s.name for s in ours}
    assert "POST /graphql" in names
    assert "GraphQL operation Viewer" in names
    assert any(n.startswith("SELECT") or n == "connect" for n in names), names
    attributes = {a.key for s in ours for a in s.attributes}
    assert "query" not in attributes
    assert not any(k.startswith("graphql.param.") for k in attributes)
    # The event hub polls the database every second: none of that becomes a trace of its own.
    assert all(s.trace_id.hex() == trace_id for s in collector.spans), {
        s.name for s in collector.spans if s.trace_id.hex() != trace_id
    }


def test_without_the_endpoint_nothing_of_opentelemetry_is_loaded(database_url):
    script = (
        "import sys\n"
        "from api.app import create_app\n"
        "from domain.config import Settings\n"
        f"create_app(Settings(database_url={database_url!r}, secret_key={TEST_SECRET!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk')))\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
