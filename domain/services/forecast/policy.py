"""forecastPolicySet: the company's plausibility threshold for forecast lines (admin only).
Forecasts keep the threshold they were generated with."""

from dataclasses import dataclass
from decimal import Decimal

from domain.access import Actor, Role
from domain.errors import ErrorCode, refuse
from domain.services.pipeline import handles
from domain.store.tables import ForecastPolicy
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version

FIELD = ("input", "thresholdPercent")
MAX_THRESHOLD = Decimal(1000)


@dataclass(frozen=True)
class ForecastPolicySet:
    threshold_percent: Decimal
    expected_version: int | None = None


@handles(ForecastPolicySet)
async def set_policy(cmd: ForecastPolicySet, actor: Actor, uow: UnitOfWork) -> ForecastPolicy:
    """Create or replace the viewer's company's forecast policy."""
    if not actor.has(Role.ADMIN) or actor.company_id is None:
        raise refuse(ErrorCode.FORBIDDEN, "only an administrator sets the forecast policy")
    threshold = cmd.threshold_percent
    if threshold < 0 or threshold > MAX_THRESHOLD:
        raise refuse(ErrorCode.INVALID, f"a threshold from 0 to {MAX_THRESHOLD} per cent", *FIELD)
    if threshold != threshold.quantize(Decimal("0.1")):
        raise refuse(ErrorCode.INVALID, "a threshold has at most one decimal", *FIELD)
    s = uow.session
    policy = await s.get(ForecastPolicy, actor.company_id, with_for_update=True)
    if policy is None:
        if cmd.expected_version not in (None, 0):
            raise refuse(
                ErrorCode.CONFLICT,
                f"the policy is at version 0, not {cmd.expected_version}; reload it",
                "input",
                "expectedVersion",
            )
        policy = ForecastPolicy(
            company_id=actor.company_id,
            threshold_percent=threshold,
            version=1,
            updated_by=actor.user_id,
        )
        s.add(policy)
    else:
        check_expected_version(policy, cmd.expected_version)
        policy.threshold_percent = threshold
        policy.version += 1
        policy.updated_by = actor.user_id
        policy.updated_at = utcnow()
    await s.flush()
    return policy
