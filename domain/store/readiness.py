"""Is the database there and migrated? Asked before a command or the server uses it, so that the
answer is one line saying what to do rather than a driver's traceback."""

from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.store.migrate import alembic_config, current_revision, head_revision


class DatabaseNotReady(Exception):
    """The database cannot be used yet; the message says why and what to run."""


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def is_known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


async def check_reachable(engine: AsyncEngine) -> None:
    """The database answers (for `salesplan migrate`, which makes the tables)."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        async with engine.connect():
            pass
    except (OSError, SQLAlchemyError) as e:
        reason = first_line(e)
        if "does not exist" in reason and make_url(url).database:
            raise DatabaseNotReady(
                f"the database {describe(url)} does not exist ({reason}): create it "
                f"(`createdb {make_url(url).database}`), then run `salesplan migrate`"
            ) from e
        raise DatabaseNotReady(
            f"cannot reach the database {describe(url)} ({reason}): "
            "start it, or point DATABASE_URL at one that runs"
        ) from e


async def check_database(engine: AsyncEngine) -> None:
    """The database answers and its schema is the newest this code knows; else DatabaseNotReady."""
    url = engine.url.render_as_string(hide_password=False)
    file = sqlite_file(url)
    if file is not None and not file.exists():
        # Connecting would create an empty file: say what is missing instead.
        raise DatabaseNotReady(
            f"there is no database at {file}: run `salesplan migrate` to create it "
            "(and `salesplan demo` for the demo organisation)"
        )
    await check_reachable(engine)
    try:
        current = await current_revision(engine)
    except (OSError, SQLAlchemyError) as e:
        raise DatabaseNotReady(
            f"cannot read the schema version of {describe(url)} ({first_line(e)})"
        ) from e
    head = head_revision()
    if current is None:
        raise DatabaseNotReady(
            f"the database {describe(url)} has no tables yet: run `salesplan migrate`"
        )
    if current != head and not is_known(current):
        raise DatabaseNotReady(
            f"the database {describe(url)} is at schema version {current}, which this code does "
            "not know: a newer version of salesplan migrated it; run that version"
        )
    if current != head:
        raise DatabaseNotReady(
            f"the database {describe(url)} is at schema version {current}, this code needs "
            f"{head}: run `salesplan migrate` (with this version of the code)"
        )
