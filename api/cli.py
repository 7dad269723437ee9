"""The `salesplan` command: serve, migrate, worker, demo, token, user-add, password,
export-schema."""

import argparse
import asyncio
import gc
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="salesplan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve /graphql, /metrics, /healthz and /readyz",
        description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host", default=None, help="address to listen on (default: HOST, else 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port (default 1); more than one needs "
        "EVENT_BROKER_URL, see below",
    )
    serve.add_argument(
        "--log-format",
        choices=("json", "text"),
        default=None,
        help="one JSON object per line, or plain text (default: LOG_FORMAT, else json)",
    )
    serve.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default=None,
        help="the least important level written (default: LOG_LEVEL, else info)",
    )
    commands.add_parser("migrate", help="migrate the database to the newest schema")
    worker = commands.add_parser(
        "worker", help="run background jobs (PostgreSQL; SQLite runs them inside `serve`)"
    )
    worker.add_argument("--concurrency", type=int, default=1, help="jobs at once per process")
    worker.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="also load the jobs of MODULE (besides the built-in task modules)",
    )
    demo = commands.add_parser("demo", help="load the demo organisation")
    demo.add_argument("--scale", type=int, default=1, help="N times larger (benchmarks)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    token = commands.add_parser("token", help="print a bearer token for a user")
    token.add_argument("login")
    token.add_argument("--minutes", type=int, default=None, help="validity (default 720)")
    user_add = commands.add_parser(
        "user-add",
        help="create a user (e.g. the first admin of a new installation); the password is "
        "asked for, or read from standard input when it is not a terminal",
    )
    user_add.add_argument("login")
    user_add.add_argument("--name", required=True, help="the name shown to others")
    user_add.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        help="a role (ADMIN, VP, PLANNER, ...); repeat for several",
    )
    password = commands.add_parser(
        "password",
        help="set a user's password and end their sign-ins; the password is asked for, or "
        "read from standard input when it is not a terminal",
    )
    password.add_argument("login")
    export = commands.add_parser("export-schema", help="print or write schema.graphql")
    export.add_argument("path", nargs="?")
    export.add_argument("--check", action="store_true", help="fail if the file differs")
    args = parser.parse_args(argv)
    handler = {
        "serve": cmd_serve,
        "migrate": cmd_migrate,
        "worker": cmd_worker,
        "demo": cmd_demo,
        "token": cmd_token,
        "user-add": cmd_user_add,
        "password": cmd_password,
        "export-schema": cmd_export_schema,
    }[args.command]
    from domain.store.readiness import DatabaseNotReady

    try:
        return handler(args) or 0
    except DatabaseNotReady as e:
        print(f"salesplan {args.command}: {e}", file=sys.stderr)
        return 2


SERVE_HELP = """\
Serve the API: POST /graphql for queries and mutations, a graphql-transport-ws websocket on
the same URL for subscriptions, GraphiQL for browsers (GRAPHIQL=false turns it off; off by
default when APP_ENV=production), /metrics for Prometheus, /healthz (the process lives) and
/readyz (the database answers).

Settings come from the environment (or .env): DATABASE_URL, HOST, PORT, SECRET_KEY, APP_ENV,
EVENT_BROKER_URL, ALLOWED_ORIGINS, LOG_FORMAT, LOG_LEVEL, GRAPHIQL, METRICS_TOKEN, and
OTEL_EXPORTER_OTLP_ENDPOINT for traces. Options given here win over the environment.

Several workers (--workers N, or several `salesplan serve` processes on several machines
behind a load balancer) need PostgreSQL as DATABASE_URL and EVENT_BROKER_URL set to Redis or
the same PostgreSQL, so that a subscriber on one process hears of changes made on another.
With --workers N, set PROMETHEUS_MULTIPROC_DIR to an empty directory so that /metrics adds up
all workers. SIGTERM stops accepting connections and lets running requests finish.
The database must be migrated first (`salesplan migrate`); the server refuses to start
otherwise.
"""


def cmd_serve(args) -> int:
    import uvicorn

    from api.observability.logs import log_config
    from domain.config import get_settings
    from domain.store.readiness import check_database, describe

    settings = get_settings()
    settings.check_production()
    host = args.host or settings.host
    port = args.port or settings.port
    run_checked(settings.database_url, check_database)
    url = f"http://{host}:{port}/graphql"
    print(f"GraphQL API:  {url}  (GraphiQL in a browser; POST; websocket graphql-transport-ws)")
    print("A token:      .venv/bin/salesplan token vp   (logins: admin vp gm finance planner")
    print("              manager sales partner partner2); send 'Authorization: Bearer <token>'")
    print(f"Database:     {describe(settings.database_url)}")  # without its password
    # Large nested responses allocate millions of objects; default GC thresholds cost up to 2×.
    # A middle-generation collection walks everything that survived the young ones since the
    # last: after a burst of 1,000 new websocket connections, every 20th took ~250 ms (a stall
    # for all subscribers); every 5th spreads that work over smaller pauses (bench/subscriptions.py).
    gc.set_threshold(50_000, 5, 100)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_config=log_config(
            args.log_format or settings.log_format, args.log_level or settings.log_level
        ),
        access_log=False,  # api.observability.requests writes one richer line per request
        ws="websockets-sansio",
        # Status events are small; compressing each costs both sides more than it saves.
        ws_per_message_deflate=False,
    )
    return 0


def cmd_migrate(_args) -> int:
    from domain.config import get_settings
    from domain.store.db import create_engine
    from domain.store.migrate import upgrade
    from domain.store.readiness import check_reachable

    async def run() -> None:
        settings = get_settings()
        _ensure_sqlite_dir(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            await check_reachable(engine)
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("database migrated to the newest schema")
    return 0


def cmd_worker(args) -> int:
    import logging

    from domain.config import get_settings
    from domain.jobs.registry import load_task_modules
    from domain.store.db import is_sqlite

    settings = get_settings()
    if is_sqlite(settings.database_url):
        print(
            "salesplan worker needs PostgreSQL; on SQLite `salesplan serve` runs the jobs itself",
            file=sys.stderr,
        )
        return 2
    import logging.config

    from api.observability.logs import log_config
    from domain.jobs.postgres import run_worker
    from domain.store.readiness import check_database, describe

    run_checked(settings.database_url, check_database)
    # The server's log format (LOG_FORMAT, LOG_LEVEL): one JSON object per line by default.
    logging.config.dictConfig(log_config(settings.log_format, settings.log_level))
    load_task_modules(args.imports)
    print(
        f"job worker on {describe(settings.database_url)}, {args.concurrency} at a time", flush=True
    )
    asyncio.run(run_worker(settings.database_url, concurrency=args.concurrency))
    return 0


def cmd_demo(args) -> int:
    from domain.config import get_settings
    from domain.store.db import create_engine
    from domain.store.demo import is_empty, load_demo
    from domain.store.readiness import check_database

    async def run() -> int:
        engine = create_engine(get_settings().database_url)
        try:
            await check_database(engine)
            if not await is_empty(engine):
                if args.if_empty:
                    print("demo: the database already has data; left as it is")
                    return 0
                print("demo: the database is not empty; use a fresh database", file=sys.stderr)
                return 1
            summary = await load_demo(engine, scale=args.scale)
            print(
                f"demo loaded: {summary.departments} departments, {summary.salespeople} "
                f"salespeople, {summary.products} products, {summary.plans} plans, "
                f"{summary.lines} plan lines"
            )
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def cmd_token(args) -> int:
    from domain.config import get_settings
    from domain.store.db import create_engine
    from domain.store.readiness import check_database
    from domain.store.tables import AppUser
    from domain.tokens import issue_token

    settings = get_settings()

    async def user_id() -> int | None:
        engine = create_engine(settings.database_url)
        try:
            await check_database(engine)
            async with engine.connect() as conn:
                return (
                    await conn.execute(
                        select(AppUser.id).where(AppUser.login == args.login, AppUser.active)
                    )
                ).scalar_one_or_none()
        finally:
            await engine.dispose()

    uid = asyncio.run(user_id())
    if uid is None:
        print(f"no active user with login {args.login!r}", file=sys.stderr)
        return 1
    minutes = args.minutes or settings.token_ttl_minutes
    print(issue_token(uid, args.login, settings.secret_key, timedelta(minutes=minutes)))
    return 0


def read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("New password: ")
    return sys.stdin.readline().rstrip("\n")


def run_as_operator(command) -> int:
    """Run an administration command as the operator at the console (an admin who is no user
    of the system: its events name no actor); print its refusal, if any."""
    import domain.services  # noqa: F401  (registers every command handler)
    from domain.access import Actor, Role
    from domain.config import get_settings
    from domain.services.pipeline import UseCases
    from domain.store.db import create_engine
    from domain.store.readiness import check_database

    operator = Actor(user_id=None, login="salesplan-cli", roles=frozenset({Role.ADMIN}))

    async def run():
        engine = create_engine(get_settings().database_url)
        try:
            await check_database(engine)
            return await UseCases(engine).handle(command, operator)
        finally:
            await engine.dispose()

    result = asyncio.run(run())
    for error in result.errors:
        where = ".".join(error.field[1:]) if error.field and len(error.field) > 1 else ""
        print(
            f"{error.code.value}: {where + ': ' if where else ''}{error.message}", file=sys.stderr
        )
    return 0 if result.ok else 1


def cmd_user_add(args) -> int:
    from domain.access import Role
    from domain.services.accounts.users import UserCreate

    try:
        roles = frozenset(Role(r.upper()) for r in args.roles)
    except ValueError:
        print(f"roles are {', '.join(r.value for r in Role)}", file=sys.stderr)
        return 2
    command = UserCreate(args.login, args.name, roles, password=read_password())
    if run_as_operator(command):
        return 1
    print(f"user {args.login} created")
    return 0


def cmd_password(args) -> int:
    from domain.config import get_settings
    from domain.services.accounts.users import UserPasswordReset
    from domain.store.db import create_engine
    from domain.store.readiness import check_database
    from domain.store.tables import AppUser

    async def user_id() -> int | None:
        engine = create_engine(get_settings().database_url)
        try:
            await check_database(engine)
            async with engine.connect() as conn:
                query = select(AppUser.id).where(AppUser.login == args.login)
                return (await conn.execute(query)).scalar_one_or_none()
        finally:
            await engine.dispose()

    uid = asyncio.run(user_id())
    if uid is None:
        print(f"no user with login {args.login!r}", file=sys.stderr)
        return 1
    if run_as_operator(UserPasswordReset(uid, read_password())):
        return 1
    print(f"password of {args.login} set; their sign-ins ended")
    return 0


def cmd_export_schema(args) -> int:
    from api.schema import schema_sdl

    sdl = schema_sdl()
    if args.check:
        current = Path(args.path).read_text() if args.path and Path(args.path).exists() else ""
        if current != sdl:
            print(f"{args.path} is out of date: run `make schema` and commit it", file=sys.stderr)
            return 1
        print(f"{args.path} matches the code")
        return 0
    if args.path:
        Path(args.path).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


def run_checked(database_url: str, check) -> None:
    """Run a readiness check (domain.store.readiness) on its own engine; raises
    DatabaseNotReady, which main() turns into one line and exit status 2."""
    from domain.store.db import create_engine

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            await check(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _ensure_sqlite_dir(url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
