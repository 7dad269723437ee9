"""The authorisation matrix: every mutation, query root field and subscription of the served schema
× every demo login → the answer that login gets. tests/authorisation/test_matrix.py calls each
operation over HTTP (subscriptions over a websocket) with each login's token and checks the
answer; it fails when an operation of the schema has no row or a row names no operation, so
nothing new ships without a reviewed row.

Answers:
- ALLOWED: the call succeeds (a payload without errors; for reads, the same answer the other
  ALLOWED logins get, and it is not empty).
- FORBIDDEN: the login may see the object but not do this: the payload's errors are all
  FORBIDDEN (reads: a top-level error with code FORBIDDEN).
- NOT_FOUND: the object is outside the login's reach and answered exactly as one that does not
  exist: errors all NOT_FOUND (reads: null; subscriptions: an error with code NOT_FOUND).
- SCOPED: the call succeeds but returns only the caller's reach: a strict subset (possibly empty)
  of what the ALLOWED logins of the same row get; for approvalTaskAssigned, only tasks whose step
  is the caller's to decide.
A denied call (FORBIDDEN or NOT_FOUND) must change nothing: the test compares every table before
and after the denied calls of each operation.

Each row is about one probe (tests/authorisation/probes.py): a representative call on an object
made for it. Mutations act on an order of customer C0001 (the `partner` login's) by salesperson
S0001 (`sales`) in department D001 (`manager`), or on plans and stock-ins of that part of the
organisation, so most refusals are FORBIDDEN rather than NOT_FOUND, and `partner2` (customer
C0002) is the one who cannot see them.

To add an operation: add its row to MUTATIONS, QUERIES or SUBSCRIPTIONS below (one answer per
login, in the order of LOGINS), and its probe to the dict of the same name in probes.py (for a
mutation: a function that makes a fresh object in the state the mutation acts on and returns
the mutation's `input`; it is called once for the refused logins and once for each ALLOWED
one). Run `pytest tests/authorisation` to see the answers each login really gets.
"""

from enum import Enum


class Answer(Enum):
    ALLOWED = "ALLOWED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    SCOPED = "SCOPED"


ALLOWED, FORBIDDEN, NOT_FOUND, SCOPED = Answer

# The demo logins (domain/store/demo.py LOGINS), one role each; `partner2` is the portal user of
# another customer than `partner`.
LOGINS = (
    "admin",
    "vp",
    "gm",
    "finance",
    "planner",
    "manager",
    "sales",
    "partner",
    "partner2",
    "report",
)

# fmt: off
MUTATIONS: dict[str, tuple[Answer, ...]] = {
    #                              admin      vp         gm         finance    planner    manager    sales      partner    partner2   report
    "salesPlanCreate":           (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanUpdateLines":      (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanSubmit":           (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanApprove":          (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanReject":           (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanWithdraw":         (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanRevise":           (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesPlanDecompose":        (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "approvalPolicySet":         (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "customerCreate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "customerUpdate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "priceFloorSet":             (ALLOWED,   FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "priceFloorRemove":          (ALLOWED,   FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "salesOrderCreate":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "salesOrderUpdateLines":     (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderSubmit":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderApprove":         (FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderReject":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderConfirm":         (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderStartProduction": (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderMarkReady":       (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderCancel":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   ALLOWED,   FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "salesOrderClose":           (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "stockInRequest":            (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "stockInApprove":            (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "stockInReject":             (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "stockInPost":               (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "shipmentCreate":            (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "shipmentDispatch":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "shipmentAddTrackingEvent":  (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "shipmentDeliver":           (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "shipmentConfirmReceipt":    (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   NOT_FOUND, FORBIDDEN),
    "returnCreate":              (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "returnReceive":             (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    "deliveryReportGenerate":    (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "deliveryReportSubmit":      (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "deliveryReportApprove":     (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "deliveryReportReject":      (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    # Sign-in: open to every login (authLogin, authRefresh, authLogout need no token at all).
    "authLogin":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED),
    "authRefresh":               (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED),
    "authLogout":                (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED),
    "viewerPasswordChange":      (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED),
    # Administration: admins only.
    "userCreate":                (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "userUpdate":                (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "userDeactivate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "userReactivate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "userPasswordReset":         (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "userSessionsRevoke":        (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "departmentCreate":          (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "departmentUpdate":          (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "salespersonCreate":         (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "salespersonUpdate":         (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "productCreate":             (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "productUpdate":             (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # Forecasts (issue 11): prepared by who may plan for the scope (the probes use D001's), approved by its VP.
    "forecastGenerate":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastLineAdjust":        (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastSubmit":            (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastApprove":           (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastReject":            (FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastWithdraw":          (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    "forecastPolicySet":         (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # MRP master data: admins and planners; runs: planners.
    "itemCreate":                (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "itemUpdate":                (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "supplierCreate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "supplierUpdate":            (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "supplierPriceSet":          (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "bomLineAdd":                (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "bomLineUpdate":             (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "bomLineRemove":             (ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "mrpRunStart":               (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "mrpRunRetry":               (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED,   FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN),
}

QUERIES: dict[str, tuple[Answer, ...]] = {
    #                              admin      vp         gm         finance    planner    manager    sales      partner    partner2   report
    "node":                      (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, ALLOWED),
    "nodes":                     (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "viewer":                    (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED, ALLOWED),
    "companies":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED, ALLOWED),
    "products":                  (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED, ALLOWED),
    "salesPlan":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    # Partners read no approval policies (issue 10): an empty list.
    "approvalPolicies":          (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED, ALLOWED),
    "salesPlans":                (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    "salesOrder":                (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, ALLOWED, ALLOWED),
    "salesOrders":               (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    # A manager sees the department's customers, a salesperson their own (issue 10).
    "customers":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    "priceFloors":               (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED, ALLOWED),
    "stockIns":                  (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED, ALLOWED),
    "stockBalances":             (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED, ALLOWED),
    "orderExecutionReport":      (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    "planVsActual":              (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    "deliveryReport":            (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "deliveryReports":           (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED, ALLOWED),
    "users":                     (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    ALLOWED),
    "forecast":                  (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "forecasts":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED,    ALLOWED),
    "forecastPolicy":            (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    ALLOWED),
    # MRP: master data for staff; runs and results for the company-wide readers.
    "items":                     (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    ALLOWED),
    "suppliers":                 (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    ALLOWED),
    "mrpRun":                    (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "mrpRuns":                   (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   SCOPED,    SCOPED,    SCOPED,    SCOPED,    ALLOWED),
    "mrpRunCompare":             (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
}

SUBSCRIPTIONS: dict[str, tuple[Answer, ...]] = {
    #                              admin      vp         gm         finance    planner    manager    sales      partner    partner2   report
    "orderStatusChanged":        (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, ALLOWED),
    "salesPlanStatusChanged":    (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "approvalTaskAssigned":      (SCOPED,    SCOPED,    SCOPED,    SCOPED,    SCOPED,    SCOPED,    SCOPED,    SCOPED,    SCOPED, SCOPED),
    "forecastStatusChanged":     (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
    "mrpRunProgress":            (ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   ALLOWED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED),
}
# fmt: on


def answers(row: tuple[Answer, ...]) -> dict[str, Answer]:
    """login → answer of one row."""
    assert len(row) == len(LOGINS), f"a row needs one answer per login {LOGINS}"
    return dict(zip(LOGINS, row, strict=True))
