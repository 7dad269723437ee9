"""A first look through the real server: the demo hierarchy down to plan lines."""

NESTED = """
{
  companies {
    nodes {
      name
      departments(first: 3) {
        nodes {
          code
          salespeople(first: 4) {
            nodes {
              code
              salesPlans(first: 12) {
                totalCount
                nodes { title status lines(first: 10) { nodes { quantity amount product { code } } } }
              }
            }
          }
        }
      }
    }
  }
}
"""


async def test_the_vp_reads_the_demo_hierarchy_down_to_plan_lines(demo, client_for):
    vp = await client_for("vp")
    data = await vp.execute(NESTED)
    company = data["companies"]["nodes"][0]
    assert company["name"] == "Hengda Machinery Co."
    departments = company["departments"]["nodes"]
    assert [d["code"] for d in departments] == ["D001", "D002", "D003"]
    first_salesperson = departments[0]["salespeople"]["nodes"][0]
    assert first_salesperson["code"] == "S0001"
    plans = first_salesperson["salesPlans"]
    assert plans["totalCount"] == 12
    assert len(plans["nodes"][0]["lines"]["nodes"]) == 8
    assert plans["nodes"][0]["lines"]["nodes"][0]["product"]["code"].startswith("P")
