"""Keyset pagination: pages cover a list exactly once, forward and backward; sizes are capped."""

import pytest

from api.ids import encode_cursor
from tests.api.lookups import all_plan_ids, plan_global_id

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String,
      $sortBy: SalesPlanSortingInput, $where: SalesPlanWhereInput) {
  salesPlans(first: $first, after: $after, last: $last, before: $before,
             sortBy: $sortBy, where: $where) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id periodStart createdAt } }
  }
}
"""


async def walk_forward(client, size: int = 50, **args) -> list[dict]:
    pages, after = [], None
    while True:
        page = (await client.execute(PAGE, {"first": size, "after": after, **args}))["salesPlans"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 50, "pagination does not end"


async def walk_backward(client, size: int = 50, **args) -> list[dict]:
    pages, before = [], None
    while True:
        page = (await client.execute(PAGE, {"last": size, "before": before, **args}))["salesPlans"]
        pages.append(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return pages
        before = page["pageInfo"]["startCursor"]
        assert len(pages) < 50, "pagination does not end"


def ids_of(pages: list[dict]) -> list[str]:
    return [edge["node"]["id"] for page in pages for edge in page["edges"]]


async def test_walking_forward_in_pages_of_fifty_returns_every_plan_exactly_once(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    pages = await walk_forward(vp)
    ids = ids_of(pages)
    assert [len(p["edges"]) for p in pages] == [50, 50, 50, 18]
    assert len(ids) == len(set(ids)) == 168
    assert set(ids) == await all_plan_ids(demo_readonly)
    assert {p["totalCount"] for p in pages} == {168}


async def test_forward_pages_follow_period_start_then_id(demo_readonly, client_for):
    vp = await client_for("vp")
    nodes = [e["node"] for p in await walk_forward(vp, size=40) for e in p["edges"]]
    periods = [n["periodStart"] for n in nodes]
    assert periods == sorted(periods)
    assert periods[0] == "2026-01-01" and periods[-1] == "2026-12-01"


async def test_page_info_says_where_each_forward_page_sits(demo_readonly, client_for):
    vp = await client_for("vp")
    pages = await walk_forward(vp)
    flags = [(p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"]) for p in pages]
    assert flags == [(False, True), (True, True), (True, True), (True, False)]
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_walking_backward_with_last_and_before_returns_the_same_plans_in_the_same_order(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    forward = ids_of(await walk_forward(vp))
    backward_pages = await walk_backward(vp)
    assert [len(p["edges"]) for p in backward_pages] == [50, 50, 50, 18]
    # Each backward page is itself in list order; the pages come last to first.
    backward = ids_of(list(reversed(backward_pages)))
    assert backward == forward


async def test_a_page_after_a_cursor_starts_right_after_it(demo_readonly, client_for):
    vp = await client_for("vp")
    everything = ids_of(await walk_forward(vp, size=100))
    first = (await vp.execute(PAGE, {"first": 10}))["salesPlans"]
    cursor = first["edges"][6]["cursor"]
    after = (await vp.execute(PAGE, {"first": 5, "after": cursor}))["salesPlans"]
    assert ids_of([after]) == everything[7:12]
    before = (await vp.execute(PAGE, {"last": 3, "before": cursor}))["salesPlans"]
    assert ids_of([before]) == everything[3:6]


async def test_descending_order_walks_every_plan_once_from_the_latest_period(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    sort = {"field": "PERIOD_START", "descending": True}
    pages = await walk_forward(vp, size=30, sortBy=sort)
    nodes = [e["node"] for p in pages for e in p["edges"]]
    assert len({n["id"] for n in nodes}) == len(nodes) == 168
    periods = [n["periodStart"] for n in nodes]
    assert periods == sorted(periods, reverse=True)
    backward = ids_of(list(reversed(await walk_backward(vp, size=30, sortBy=sort))))
    assert backward == [n["id"] for n in nodes]


async def test_sorting_by_id_walks_every_plan_once_in_id_order(demo_readonly, client_for):
    vp = await client_for("vp")
    pages = await walk_forward(vp, size=64, sortBy={"field": "ID"})
    ids = ids_of(pages)
    assert len(set(ids)) == 168
    assert set(ids) == await all_plan_ids(demo_readonly)


async def test_sorting_by_creation_time_walks_every_plan_once(demo_readonly, client_for):
    vp = await client_for("vp")
    pages = await walk_forward(vp, sortBy={"field": "CREATED_AT", "descending": True})
    ids = ids_of(pages)
    assert len(ids) == len(set(ids)) == 168


async def test_a_filtered_list_pages_through_only_the_matching_plans(demo_readonly, client_for):
    vp = await client_for("vp")
    where = {"statusIn": ["DRAFT", "SUBMITTED"], "periodFrom": "2026-11-01"}
    pages = await walk_forward(vp, size=5, where=where)
    ids = ids_of(pages)
    assert {p["totalCount"] for p in pages} == {28}  # November and December
    assert len(ids) == len(set(ids)) == 28
    assert set(ids) == await all_plan_ids(demo_readonly, "period_start >= '2026-11-01'")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"first": 101}, "`first`/`last` must be between 0 and 100."),
        ({"last": 101}, "`first`/`last` must be between 0 and 100."),
        ({"first": -1}, "`first`/`last` must be between 0 and 100."),
        ({"first": 1, "last": 1}, "Give `first` or `last`, not both."),
    ],
)
async def test_a_page_size_out_of_bounds_is_a_request_error(
    demo_readonly, client_for, args, message
):
    vp = await client_for("vp")
    response = await vp.post(PAGE, args)
    body = response.json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [message]
    assert body["errors"][0]["path"] == ["salesPlans"]


async def test_one_hundred_is_the_largest_page(demo_readonly, client_for):
    vp = await client_for("vp")
    page = (await vp.execute(PAGE, {"first": 100}))["salesPlans"]
    assert len(page["edges"]) == 100


async def test_a_nested_list_caps_its_page_size_too(demo_readonly, client_for):
    vp = await client_for("vp")
    response = await vp.post("{ companies { nodes { departments(first: 101) { totalCount } } } }")
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "`first`/`last` must be between 0 and 100."
    lines = await vp.post("{ salesPlans(first: 1) { nodes { lines(first: 501) { totalCount } } } }")
    assert lines.json()["errors"][0]["message"] == "`first`/`last` must be between 0 and 500."


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encode_cursor(["not-a-date", 1]),
        encode_cursor(["2026-01-01", "x"]),
        encode_cursor(["2026-01-01", 10**25]),  # no key is that large: refused before the driver
        encode_cursor(["2026-01-01", 1.5]),
    ],
)
async def test_a_cursor_we_did_not_make_is_a_request_error(demo_readonly, client_for, cursor):
    vp = await client_for("vp")
    response = await vp.post(PAGE, {"first": 5, "after": cursor})
    body = response.json()
    assert body["data"] is None
    assert "cursor" in body["errors"][0]["message"]


async def test_the_lines_of_a_plan_page_by_period_with_cursors(demo_readonly, client_for):
    plan = await plan_global_id(demo_readonly, "Company", "HD", 4)
    vp = await client_for("vp")
    query = """
    query($id: ID!, $after: String) {
      salesPlan(id: $id) {
        lines(first: 4, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { product { code } period }
        }
      }
    }
    """
    seen, after = [], None
    while True:
        lines = (await vp.execute(query, {"id": plan, "after": after}))["salesPlan"]["lines"]
        seen += [(n["product"]["code"], n["period"]) for n in lines["nodes"]]
        if not lines["pageInfo"]["hasNextPage"]:
            break
        after = lines["pageInfo"]["endCursor"]
    assert lines["totalCount"] == 10
    assert len(seen) == len(set(seen)) == 10
    assert {period for _, period in seen} == {"2026-04-01"}
    assert sorted(code for code, _ in seen) == [f"P{i:04d}" for i in range(1, 11)]
