"""Passwords: hashed with argon2id (argon2-cffi, RFC 9106 parameters), never stored or logged as
given.

Hashing takes a noticeable fraction of a second on purpose; callers on the event loop run these
functions in a worker thread (argon2-cffi releases the GIL while it hashes).
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
# Long enough for any passphrase; a cap keeps one request from costing the server much more.
MAX_LENGTH = 200

# The password every demo user gets from the demo loader (README: "Signing in").
DEMO_PASSWORD = "salesplan-demo"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` is the one `password_hash` was made from."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: hash again at the next sign-in."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def stand_in_hash() -> str:
    """Verified against when the login is unknown, so that answering "wrong login or password"
    takes as long as for a known login (no user enumeration by timing)."""
    return _hasher.hash("no user has this password")


@cache
def demo_password_hash() -> str:
    """One hash of DEMO_PASSWORD per process: loading the demo stays fast."""
    return _hasher.hash(DEMO_PASSWORD)


def password_problem(password: str, login: str | None = None) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    if not password.strip():
        return "not only blanks"
    if login is not None and password.strip().casefold() == login.strip().casefold():
        return "must differ from the login"
    return None
