"""Approval use cases: policies (approvalPolicySet) and the rounds every approvable document shares."""

from domain.services.approvals import policies, rounds  # noqa: F401
