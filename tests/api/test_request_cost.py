"""What a request costs beyond its own work: a document is parsed and validated once per process,
a known token needs no SQL, and a plan transition sends at most eight statements end to end."""

import strawberry.schema.schema as strawberry_schema

from tests.api.plans_helpers import plan_id

FIELDS = (
    "id title status version revision createdAt updatedAt periodStart periodEnd ownerKind "
    "granularity totalAmount currentStep { name approver { login } }"
)
TRANSITION = (
    "mutation($input: SalesPlanNAMEInput!) { salesPlanNAME(input: $input) { "
    "salesPlan { " + FIELDS + " } errors { code } } }"
)
READ = "query($id: ID!) { salesPlan(id: $id) { " + FIELDS + " } }"


def transition(name: str, fields: str = FIELDS) -> str:
    return TRANSITION.replace("NAME", name).replace(FIELDS, fields)


async def test_a_document_is_validated_once_and_an_invalid_one_every_time(
    demo_readonly, client_for, monkeypatch
):
    validated = []
    validate = strawberry_schema.validate

    def counting(schema, document, rules):
        validated.append(document)
        return validate(schema, document, rules)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    vp = await client_for("vp")
    query = "{ viewer { user { login } } products(first: 2) { totalCount } }"
    for _ in range(3):
        assert (await vp.execute(query))["viewer"]["user"]["login"] == "vp"
    assert len(validated) == 1
    for _ in range(2):
        response = await vp.post("{ viewer { nosuchfield } }")
        assert response.status_code == 200
        error = response.json()["errors"][0]
        assert "nosuchfield" in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(validated) == 3


async def test_plan_transitions_send_at_most_eight_statements_end_to_end(
    demo, client_for, count_statements
):
    planner, vp = await client_for("planner"), await client_for("vp")
    for client in (planner, vp):  # clients in use: their tokens are known
        await client.execute("{ __typename }")
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    sent = {}
    for name, client, extra in [
        ("Submit", planner, {}),
        ("Withdraw", planner, {}),
        ("Submit", planner, {}),
        ("Reject", vp, {"reason": "too low"}),
        ("Submit", planner, {}),
        ("Approve", vp, {}),
    ]:
        with count_statements() as counter:
            data = await client.execute(
                transition(name, "id status version"), {"input": {"id": pid, **extra}}
            )
        assert data[f"salesPlan{name}"]["errors"] == []
        sent[name] = counter.count
    # Approve: the plan (locked), the round's steps, the policy, the step, the plan's version
    # (returning the row the payload shows) and the event.
    assert sent["Approve"] <= 8 and sent["Withdraw"] <= 8 and sent["Reject"] <= 8, sent
    # Submit starts a round: the plan's totals and child plans, policy and approvers, new steps.
    assert sent["Submit"] <= 12, sent


async def test_a_transition_answers_the_plan_exactly_as_it_reads_back(demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    submitted = await planner.execute(transition("Submit"), {"input": {"id": pid}})
    after_submit = submitted["salesPlanSubmit"]["salesPlan"]
    assert after_submit == (await planner.execute(READ, {"id": pid}))["salesPlan"]
    assert after_submit["status"] == "SUBMITTED"
    assert after_submit["currentStep"] == {"name": "VP in charge", "approver": {"login": "vp"}}
    approved = await vp.execute(transition("Approve"), {"input": {"id": pid}})
    after_approve = approved["salesPlanApprove"]["salesPlan"]
    assert after_approve == (await vp.execute(READ, {"id": pid}))["salesPlan"]
    assert after_approve["status"] == "APPROVED"
    assert after_approve["version"] == after_submit["version"] + 1
