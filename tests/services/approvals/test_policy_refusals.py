"""approvalPolicySet refused: only an admin sets chains, and bad steps are reported at their
fields; nothing is stored either way."""

from decimal import Decimal

from domain.approvals.chains import ApproverKind, DocumentType, Policy, PolicyStep
from domain.services.approvals.policies import ApprovalPolicySet
from tests.services.helpers import codes, located


async def test_only_an_admin_sets_policies_and_bad_policies_are_refused(demo_readonly, services):
    one_step = Policy(DocumentType.SALES_PLAN, (PolicyStep("x", ApproverKind.VP_IN_CHARGE),))
    forbidden = await services.refused(ApprovalPolicySet(one_step), "vp")
    assert codes(forbidden) == ["FORBIDDEN"]
    bad = Policy(
        DocumentType.SALES_PLAN,
        (
            PolicyStep("Finance", ApproverKind.ROLE),
            PolicyStep(
                "GM",
                ApproverKind.GENERAL_MANAGER,
                min_amount=Decimal("-1"),
                levels=frozenset({"GALAXY"}),
            ),
        ),
    )
    errors = await services.refused(ApprovalPolicySet(bad), "admin")
    assert located(errors) == [
        ("INVALID", ["input", "steps", "0", "role"]),
        ("INVALID", ["input", "steps", "1", "minAmount"]),
        ("INVALID", ["input", "steps", "1", "levels"]),
    ]
    # Every document type still has its default chain: none is configured.
    assert await services.scalar("SELECT count(*) FROM approval_policy") == 0
