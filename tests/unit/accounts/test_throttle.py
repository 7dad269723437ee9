"""Slowing down password guessing: free attempts, then waits that double, capped, lapsing."""

from datetime import UTC, datetime, timedelta

from domain.accounts.throttle import MAX_WAIT, PER_ACCOUNT, PER_ADDRESS, WINDOW, wait_seconds

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_failures_within_the_allowance_cost_no_wait():
    for failures in range(PER_ACCOUNT.free_failures):
        assert wait_seconds(PER_ACCOUNT, failures, NOW, NOW) == 0


def test_past_the_allowance_each_failure_doubles_the_wait():
    waits = [wait_seconds(PER_ACCOUNT, PER_ACCOUNT.free_failures + n, NOW, NOW) for n in range(6)]
    assert waits == [1, 2, 4, 8, 16, 32]


def test_the_wait_counts_from_the_last_failure():
    failures = PER_ACCOUNT.free_failures + 3  # 8 s
    assert wait_seconds(PER_ACCOUNT, failures, NOW, NOW + timedelta(seconds=5)) == 3
    assert wait_seconds(PER_ACCOUNT, failures, NOW, NOW + timedelta(seconds=8)) == 0


def test_the_wait_never_exceeds_fifteen_minutes():
    assert wait_seconds(PER_ACCOUNT, 500, NOW, NOW) == MAX_WAIT.total_seconds() == 900


def test_failures_lapse_after_a_quiet_window():
    failures = PER_ACCOUNT.free_failures + 12
    later = NOW + WINDOW + timedelta(seconds=1)
    assert wait_seconds(PER_ACCOUNT, failures, NOW, later) == 0


def test_an_address_gets_a_larger_allowance_than_an_account():
    failures = PER_ACCOUNT.free_failures + 1
    assert wait_seconds(PER_ACCOUNT, failures, NOW, NOW) == 2
    assert wait_seconds(PER_ADDRESS, failures, NOW, NOW) == 0
    assert wait_seconds(PER_ADDRESS, PER_ADDRESS.free_failures, NOW, NOW) == 1


def test_keys_name_their_kind():
    assert PER_ACCOUNT.key("vp") == "login:vp"
    assert PER_ADDRESS.key("10.0.0.7") == "address:10.0.0.7"
