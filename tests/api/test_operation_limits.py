"""Operations over the limits are refused before they run, with the reason; the cost is reported."""

DEEP_AND_WIDE = """
{ companies(first: 100) { nodes { departments(first: 100) { nodes { salespeople(first: 100) {
    nodes { salesPlans(first: 100) { nodes { lines(first: 100) { nodes { quantity } } } } } } } } } } }
"""


async def test_a_query_reports_its_estimated_cost(demo, client_for):
    vp = await client_for("vp")
    response = await vp.post(
        "{ companies(first: 2) { nodes { departments(first: 3) { nodes { code } } } } }"
    )
    body = response.json()
    assert "errors" not in body
    # 2 companies, then up to 3 departments each.
    assert body["extensions"]["cost"] == {"requestedNodes": 2 + 2 * 3, "maxNodes": 1_000_000}


async def test_page_sizes_given_as_variables_count_too(demo, client_for):
    vp = await client_for("vp")
    response = await vp.post(
        "query($n: Int) { salesPlans(first: $n) { nodes { lines { nodes { quantity } } } } }",
        {"n": 7},
    )
    # lines default to 100 per plan.
    assert response.json()["extensions"]["cost"]["requestedNodes"] == 7 + 7 * 100


async def test_a_query_that_could_return_too_many_nodes_is_refused_before_running(
    demo, client_for, count_statements
):
    vp = await client_for("vp")
    with count_statements() as counter:
        response = await vp.post(DEEP_AND_WIDE)
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "10,101,010,100 nodes" in body["errors"][0]["message"]
    # Only the authentication lookups ran; nothing of the query itself.
    assert not any("sales_plan" in s for s in counter.statements)


async def test_too_deep_and_too_many_aliases_are_refused(demo, client_for):
    vp = await client_for("vp")
    deep = "{ viewer { department { company { departments { nodes { company { departments { nodes { company { departments { nodes { company { departments { nodes { company { name } } } } } } } } } } } } } } } }"
    body = (await vp.post(deep)).json()
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: viewer {{ roles }}" for i in range(31)) + " }"
    body = (await vp.post(aliases)).json()
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]
