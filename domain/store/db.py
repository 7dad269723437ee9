"""The engine and sessions for SQLite (embedded default) or PostgreSQL (asyncpg)."""

import time
import weakref

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BEGIN = "sqlite_begin"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine with the settings each backend needs for concurrent use."""
    if is_sqlite(url):
        # One writer at a time: wait for the lock instead of failing at once.
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:
            # Let the "begin" listener below issue BEGIN itself instead of pysqlite.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn) -> None:
            # A deferred BEGIN lets two writers both read, then one fails when it upgrades to
            # write; writers (see writer()) take the lock up front so the second one waits.
            mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_recycle=1800)
    ping_when_idle(engine)
    return engine


# A pooled connection unused this long is checked before it is handed out.
IDLE_PING_SECONDS = 5.0


def ping_when_idle(engine: AsyncEngine) -> None:
    """Check a connection on checkout only when it sat idle IDLE_PING_SECONDS or more.

    SQLAlchemy's pool_pre_ping checks every checkout, and its asyncpg ping wraps `;` in BEGIN
    and ROLLBACK: three round trips before each request's first statement. A connection in
    steady use is checked by that use: should it die anyway (a database restart), its failure
    is a disconnect, which invalidates the whole pool, and the next checkout connects anew."""
    from sqlalchemy.exc import DisconnectionError
    from sqlalchemy.util import await_

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            await_(dbapi_connection.driver_connection.fetchrow(";"))
        except Exception as e:  # the pool throws this connection away and takes another
            raise DisconnectionError(f"pooled connection failed its ping: {e}") from e


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


# The engines writer() and reader() derive, made once per engine (every request asks).
_writers: "weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine]" = weakref.WeakKeyDictionary()
_readers: "weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine]" = weakref.WeakKeyDictionary()


def writer(engine: AsyncEngine) -> AsyncEngine:
    """The same engine (and pool) for write transactions: on SQLite they BEGIN IMMEDIATE."""
    if engine.dialect.name != "sqlite":
        return engine
    derived = _writers.get(engine)
    if derived is None:
        derived = _writers[engine] = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    return derived


def reader(engine: AsyncEngine) -> AsyncEngine:
    """The same engine (and pool) for reads outside any unit of work (the loaders of a request).

    On PostgreSQL they run without a transaction: under READ COMMITTED every statement reads its
    own snapshot whether or not a transaction is open, so BEGIN and ROLLBACK would only cost two
    round trips per request. On SQLite a read transaction keeps one snapshot for all of a
    request's statements, and costs no round trip: it stays."""
    if engine.dialect.name != "postgresql":
        return engine
    derived = _readers.get(engine)
    if derived is None:
        derived = _readers[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return derived
