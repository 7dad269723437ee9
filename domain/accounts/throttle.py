"""Slowing down password guessing: failed sign-ins are counted per account and per client
address; past a free allowance, each further attempt must wait twice as long as the last.

Attempts made while waiting are refused without checking the password, so guessing gains
nothing and costs the server nothing. A success clears the account's count; counts also lapse
after WINDOW without failures.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class Allowance:
    """Failures allowed before waits start, for one kind of key."""

    kind: str
    free_failures: int

    def key(self, value: str) -> str:
        return f"{self.kind}:{value}"


# One person mistyping: a few tries. One address may be an office behind one gateway: more.
PER_ACCOUNT = Allowance("login", 5)
PER_ADDRESS = Allowance("address", 20)


def current_failures(failures: int, last_failure_at: datetime, now: datetime) -> int:
    """The count that still applies: zero once WINDOW has passed without a failure."""
    return 0 if now - last_failure_at > WINDOW else failures


def wait_seconds(
    allowance: Allowance, failures: int, last_failure_at: datetime, now: datetime
) -> int:
    """Whole seconds to wait before the next attempt may be checked; 0 when it may be now."""
    failures = current_failures(failures, last_failure_at, now)
    if failures < allowance.free_failures:
        return 0
    over = failures - allowance.free_failures
    wait = min(timedelta(seconds=2**over) if over < 20 else MAX_WAIT, MAX_WAIT)
    remaining = (last_failure_at + wait - now).total_seconds()
    return max(0, math.ceil(remaining))
