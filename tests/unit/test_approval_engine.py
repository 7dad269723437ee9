"""The approval engine on plain data: conditions, resolution, skipping, rejection."""

from decimal import Decimal

import pytest

from domain.access import Actor, Role
from domain.approvals.chains import (
    ApproverKind,
    DocumentFacts,
    DocumentType,
    Organisation,
    Policy,
    PolicyStep,
    StepState,
    UnresolvedApprover,
    already_approved_by,
    approve_current,
    cancel_round,
    current_step,
    is_complete,
    reject_current,
    start_round,
)

VP, GM, MANAGER, FINANCE_USER = 2, 3, 6, 4
ORG = Organisation(department_manager_id=MANAGER, vp_in_charge_id=VP, general_manager_id=GM)
PLAN_POLICY = Policy(
    DocumentType.SALES_PLAN,
    (
        PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),
        PolicyStep(
            "General manager",
            ApproverKind.GENERAL_MANAGER,
            min_amount=Decimal("1000000"),
            levels=frozenset({"COMPANY"}),
        ),
    ),
)


def actor(user_id: int, *roles: Role) -> Actor:
    return Actor(user_id=user_id, login=f"u{user_id}", roles=frozenset(roles))


def facts(amount: str, level: str = "COMPANY") -> DocumentFacts:
    return DocumentFacts(Decimal(amount), level, None)


def test_a_step_applies_only_above_its_amount_and_at_its_levels():
    big = start_round(PLAN_POLICY, facts("1000000.01"), ORG)
    assert [s.state for s in big] == [StepState.PENDING, StepState.WAITING]
    at_limit = start_round(PLAN_POLICY, facts("1000000.00"), ORG)
    assert [s.state for s in at_limit] == [StepState.PENDING, StepState.NOT_APPLICABLE]
    department = start_round(PLAN_POLICY, facts("5000000", "DEPARTMENT"), ORG)
    assert [s.state for s in department] == [StepState.PENDING, StepState.NOT_APPLICABLE]


def test_approvers_are_resolved_from_the_organisation():
    steps = start_round(PLAN_POLICY, facts("2000000"), ORG)
    assert [s.approver_id for s in steps] == [VP, GM]
    assert steps[0].is_for(actor(VP)) and not steps[0].is_for(actor(GM))


def test_the_document_is_complete_only_after_the_last_applicable_step():
    steps = start_round(PLAN_POLICY, facts("2000000"), ORG)
    steps = approve_current(steps, actor(VP), "ok", skip_repeated=True)
    assert not is_complete(steps)
    assert current_step(steps).approver_id == GM
    assert already_approved_by(steps, actor(VP))
    steps = approve_current(steps, actor(GM), None, skip_repeated=True)
    assert is_complete(steps)
    assert [(s.state, s.acted_by) for s in steps] == [
        (StepState.APPROVED, VP),
        (StepState.APPROVED, GM),
    ]


def test_a_repeated_approver_is_skipped_only_when_the_policy_says_so():
    same_person = Organisation(department_manager_id=VP, vp_in_charge_id=VP, general_manager_id=GM)
    policy = Policy(
        DocumentType.SALES_PLAN,
        (
            PolicyStep("Manager", ApproverKind.DEPARTMENT_MANAGER),
            PolicyStep("VP", ApproverKind.VP_IN_CHARGE),
        ),
    )
    skipping = approve_current(
        start_round(policy, facts("1"), same_person), actor(VP), None, skip_repeated=True
    )
    assert [s.state for s in skipping] == [StepState.APPROVED, StepState.SKIPPED]
    assert is_complete(skipping)
    strict = approve_current(
        start_round(policy, facts("1"), same_person), actor(VP), None, skip_repeated=False
    )
    assert [s.state for s in strict] == [StepState.APPROVED, StepState.PENDING]


def test_a_role_step_is_for_every_holder_of_the_role():
    policy = Policy(
        DocumentType.SALES_ORDER, (PolicyStep("Finance", ApproverKind.ROLE, role=Role.FINANCE),)
    )
    step = start_round(policy, facts("1", None), ORG)[0]
    assert step.approver_id is None
    assert step.is_for(actor(FINANCE_USER, Role.FINANCE))
    assert not step.is_for(actor(VP, Role.VP))


def test_rejection_ends_the_round_and_withdrawal_cancels_it():
    steps = start_round(PLAN_POLICY, facts("2000000"), ORG)
    rejected = reject_current(steps, actor(VP), "too low")
    assert [(s.state, s.comment) for s in rejected] == [
        (StepState.REJECTED, "too low"),
        (StepState.CANCELLED, None),
    ]
    assert current_step(rejected) is None
    assert [s.state for s in cancel_round(steps)] == [StepState.CANCELLED, StepState.CANCELLED]


def test_an_applicable_step_without_anybody_in_the_position_is_an_error():
    nobody = Organisation(department_manager_id=None, vp_in_charge_id=None, general_manager_id=GM)
    with pytest.raises(UnresolvedApprover, match="VP in charge"):
        start_round(PLAN_POLICY, facts("1"), nobody)


def test_a_policy_where_no_step_applies_is_complete_at_once():
    only_big = Policy(
        DocumentType.SALES_PLAN,
        (PolicyStep("GM", ApproverKind.GENERAL_MANAGER, min_amount=Decimal("10")),),
    )
    assert is_complete(start_round(only_big, facts("5"), ORG))
