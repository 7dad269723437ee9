"""The `salesplan` command: serve, migrate, demo, token, export-schema."""

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
    serve = commands.add_parser("serve", help="serve /graphql (PORT, DATABASE_URL from the env)")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate", help="migrate the database to the newest schema")
    demo = commands.add_parser("demo", help="load the demo organisation")
    demo.add_argument("--scale", type=int, default=1, help="N times larger (benchmarks)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    token = commands.add_parser("token", help="print a bearer token for a user")
    token.add_argument("login")
    token.add_argument("--minutes", type=int, default=None, help="validity (default 720)")
    export = commands.add_parser("export-schema", help="print or write schema.graphql")
    export.add_argument("path", nargs="?")
    export.add_argument("--check", action="store_true", help="fail if the file differs")
    args = parser.parse_args(argv)
    handler = {
        "serve": cmd_serve,
        "migrate": cmd_migrate,
        "demo": cmd_demo,
        "token": cmd_token,
        "export-schema": cmd_export_schema,
    }[args.command]
    return handler(args) or 0


def cmd_serve(args) -> int:
    import uvicorn

    from domain.config import get_settings

    settings = get_settings()
    settings.check_production()
    port = args.port or settings.port
    url = f"http://{settings.host}:{port}/graphql"
    print(f"GraphQL API:  {url}  (GraphiQL in a browser; POST; websocket graphql-transport-ws)")
    print("A token:      .venv/bin/salesplan token vp   (logins: admin vp gm finance planner")
    print("              manager sales partner partner2); send 'Authorization: Bearer <token>'")
    print(f"Database:     {settings.database_url}")
    # Large nested responses allocate millions of objects; default GC thresholds cost up to 2×.
    # A middle-generation collection walks everything that survived the young ones since the
    # last: after a burst of 1,000 new websocket connections, every 20th took ~250 ms (a stall
    # for all subscribers); every 5th spreads that work over smaller pauses (bench/subscriptions.py).
    gc.set_threshold(50_000, 5, 100)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=port,
        workers=args.workers,
        log_level="info",
        ws="websockets-sansio",
        # Status events are small; compressing each costs both sides more than it saves.
        ws_per_message_deflate=False,
    )
    return 0


def cmd_migrate(_args) -> int:
    from domain.config import get_settings
    from domain.store.db import create_engine
    from domain.store.migrate import upgrade

    async def run() -> None:
        settings = get_settings()
        _ensure_sqlite_dir(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("database migrated to the newest schema")
    return 0


def cmd_demo(args) -> int:
    from domain.config import get_settings
    from domain.store.db import create_engine
    from domain.store.demo import is_empty, load_demo

    async def run() -> int:
        engine = create_engine(get_settings().database_url)
        try:
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
    from domain.store.tables import AppUser
    from domain.tokens import issue_token

    settings = get_settings()

    async def user_id() -> int | None:
        engine = create_engine(settings.database_url)
        try:
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


def _ensure_sqlite_dir(url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
