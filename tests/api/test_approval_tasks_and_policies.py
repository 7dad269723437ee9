"""Work lists come from the resolved chain; admins configure chains as data."""

from tests.api.plans_helpers import plan_id, transition

TASKS = """
{ viewer { approvalTasks(first: 100) {
    totalCount
    nodes { step { name state approver { login } } document { __typename ... on SalesPlan { id status ownerKind } } }
} } }
"""

SET_POLICY = """
mutation($input: ApprovalPolicySetInput!) {
  approvalPolicySet(input: $input) {
    approvalPolicy { documentType skipRepeatedApprover isDefault steps { position name approverKind role minAmount levels } }
    errors { code field message }
  }
}
"""


async def tasks_of(client) -> list[dict]:
    return (await client.execute(TASKS))["viewer"]["approvalTasks"]["nodes"]


async def test_the_vp_sees_every_plan_waiting_for_the_vp_and_nobody_else_does(demo, client_for):
    vp, gm, sales, finance = [await client_for(x) for x in ("vp", "gm", "sales", "finance")]
    vp_tasks = await tasks_of(vp)
    # Demo: October and November plans of every node (2 company, 6 department, 20 salesperson).
    assert len(vp_tasks) == 28
    assert {t["step"]["approver"]["login"] for t in vp_tasks} == {"vp"}
    assert {t["document"]["status"] for t in vp_tasks} == {"SUBMITTED"}
    assert await tasks_of(gm) == []
    assert await tasks_of(sales) == []
    assert await tasks_of(finance) == []


async def test_a_task_moves_to_the_general_manager_after_the_vp_approves(demo, client_for):
    vp, gm = await client_for("vp"), await client_for("gm")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    await vp.execute(transition("Approve"), {"input": {"id": pid}})
    gm_tasks = await tasks_of(gm)
    assert [(t["document"]["id"], t["step"]["name"]) for t in gm_tasks] == [
        (pid, "General manager")
    ]
    assert pid not in {t["document"]["id"] for t in await tasks_of(vp)}


async def test_an_admin_configures_a_manager_step_before_the_vp(demo, client_for):
    admin, planner, manager, vp = [
        await client_for(x) for x in ("admin", "planner", "manager", "vp")
    ]
    result = (
        await admin.execute(
            SET_POLICY,
            {
                "input": {
                    "documentType": "SALES_PLAN",
                    "steps": [
                        {
                            "name": "Department manager",
                            "approverKind": "DEPARTMENT_MANAGER",
                            "levels": ["SALESPERSON"],
                        },
                        {"name": "VP in charge", "approverKind": "VP_IN_CHARGE"},
                    ],
                }
            },
        )
    )["approvalPolicySet"]
    assert result["errors"] == []
    assert result["approvalPolicy"]["steps"][0]["levels"] == ["SALESPERSON"]
    policies = (
        await admin.execute("{ approvalPolicies { documentType isDefault steps { name } } }")
    )["approvalPolicies"]
    by_type = {p["documentType"]: p for p in policies}
    assert by_type["SALES_PLAN"]["isDefault"] is False
    assert [s["name"] for s in by_type["SALES_PLAN"]["steps"]] == [
        "Department manager",
        "VP in charge",
    ]
    assert by_type["STOCK_IN"]["isDefault"] is True

    pid = await plan_id(
        demo, "status = 'DRAFT' AND owner_kind = 'SALESPERSON' AND salesperson_id = 1"
    )
    submitted = (await planner.execute(transition("Submit"), {"input": {"id": pid}}))[
        "salesPlanSubmit"
    ]["salesPlan"]
    assert submitted["currentStep"]["approver"]["login"] == "manager"
    assert pid in {t["document"]["id"] for t in await tasks_of(manager)}
    early = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"]
    assert [e["code"] for e in early["errors"]] == ["FORBIDDEN"]
    await manager.execute(transition("Approve"), {"input": {"id": pid}})
    done = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"][
        "salesPlan"
    ]
    assert done["status"] == "APPROVED"
    assert [s["actedBy"]["login"] for s in done["steps"]] == ["manager", "vp"]


async def test_a_step_of_someone_who_already_approved_is_skipped(demo, client_for):
    admin, planner, vp = (
        await client_for("admin"),
        await client_for("planner"),
        await client_for("vp"),
    )
    await admin.execute(
        SET_POLICY,
        {
            "input": {
                "documentType": "SALES_PLAN",
                "steps": [
                    {"name": "VP in charge", "approverKind": "VP_IN_CHARGE"},
                    {"name": "VP again (sign-off)", "approverKind": "VP_IN_CHARGE"},
                ],
            }
        },
    )
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    await planner.execute(transition("Submit"), {"input": {"id": pid}})
    done = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"][
        "salesPlan"
    ]
    assert done["status"] == "APPROVED"
    assert [s["state"] for s in done["steps"]] == ["APPROVED", "SKIPPED"]


async def test_a_role_step_reaches_every_holder_of_the_role(demo, client_for):
    admin, planner, finance = (
        await client_for("admin"),
        await client_for("planner"),
        await client_for("finance"),
    )
    await admin.execute(
        SET_POLICY,
        {
            "input": {
                "documentType": "SALES_PLAN",
                "steps": [{"name": "Finance review", "approverKind": "ROLE", "role": "FINANCE"}],
            }
        },
    )
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    await planner.execute(transition("Submit"), {"input": {"id": pid}})
    assert pid in {t["document"]["id"] for t in await tasks_of(finance)}
    done = (await finance.execute(transition("Approve"), {"input": {"id": pid}}))[
        "salesPlanApprove"
    ]["salesPlan"]
    assert done["status"] == "APPROVED"


async def test_an_approval_step_is_a_node_as_visible_as_its_document(demo, client_for):
    vp, sales = await client_for("vp"), await client_for("sales")
    task = (await tasks_of(vp))[0]
    step_id = (
        await vp.execute("{ viewer { approvalTasks(first: 1) { nodes { step { id } } } } }")
    )["viewer"]["approvalTasks"]["nodes"][0]["step"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on ApprovalStep { name state } } }"
    assert (await vp.execute(query, {"id": step_id}))["node"] == {
        "name": task["step"]["name"],
        "state": "PENDING",
    }
    # The first task is a company plan's: a salesperson may not read it, so not its steps either.
    assert task["document"]["ownerKind"] == "COMPANY"
    assert (await sales.execute(query, {"id": step_id}))["node"] is None
