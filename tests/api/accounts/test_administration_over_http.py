"""Administration over HTTP: global ids in, typed errors and versions out, the `users` list."""

from sqlalchemy import text

from api.ids import to_global_id
from tests.api.accounts.sign_in_helpers import login
from tests.api.lookups import global_id, user_global_id

USER_FIELDS = (
    "id login displayName roles active version customer { code } salesperson { code } "
    "managedDepartment { code }"
)


async def test_an_admin_creates_a_partner_user_who_then_signs_in(demo, client_for):
    admin = await client_for("admin")
    async with demo.connect() as conn:
        pk = (await conn.execute(text("SELECT id FROM customer WHERE code = 'C0003'"))).scalar_one()
    customer = to_global_id("Customer", pk)
    data = await admin.execute(
        "mutation($input: UserCreateInput!) { userCreate(input: $input) { user { "
        + USER_FIELDS
        + " } errors { code message field } } }",
        {
            "input": {
                "login": "harbour.buyer",
                "displayName": "Buyer, Harbour Logistics",
                "roles": ["PARTNER"],
                "password": "harbour passphrase",
                "customerId": customer,
            }
        },
    )
    user = data["userCreate"]["user"]
    assert data["userCreate"]["errors"] == []
    assert {k: v for k, v in user.items() if k != "id"} == {
        "login": "harbour.buyer",
        "displayName": "Buyer, Harbour Logistics",
        "roles": ["PARTNER"],
        "active": True,
        "version": 1,
        "customer": {"code": "C0003"},
        "salesperson": None,
        "managedDepartment": None,
    }
    anonymous = await client_for(None)
    signed_in = await login(anonymous, "harbour.buyer", "harbour passphrase")
    assert signed_in["errors"] == [] and signed_in["tokens"]["user"]["login"] == "harbour.buyer"


async def test_refusals_come_back_typed_at_their_input_field(demo_readonly, client_for):
    admin = await client_for("admin")
    data = await admin.execute(
        'mutation { userCreate(input: {login: "x", displayName: "X", roles: [PARTNER], '
        'customerId: "not-an-id"}) { user { id } errors { __typename code field } } }'
    )
    assert data["userCreate"] == {
        "user": None,
        "errors": [
            {
                "__typename": "UserAccountError",
                "code": "NOT_FOUND",
                "field": ["input", "customerId"],
            }
        ],
    }
    planner = await client_for("planner")
    data = await planner.execute(
        'mutation { productCreate(input: {code: "P0999", name: "X", unit: "pcs", '
        'listPrice: "1.00"}) { product { id } errors { __typename code message } } }'
    )
    assert data["productCreate"] == {
        "product": None,
        "errors": [
            {
                "__typename": "ProductError",
                "code": "FORBIDDEN",
                "message": "only admins administer products",
            }
        ],
    }


async def test_an_update_with_a_stale_version_is_a_conflict(demo, client_for):
    admin = await client_for("admin")
    gm = await user_global_id(demo, "gm")
    update = (
        "mutation($input: UserUpdateInput!) { userUpdate(input: $input) { user { displayName "
        "version } errors { code field } } }"
    )
    first = await admin.execute(
        update, {"input": {"id": gm, "expectedVersion": 1, "displayName": "Grace Ma"}}
    )
    assert first["userUpdate"] == {"user": {"displayName": "Grace Ma", "version": 2}, "errors": []}
    second = await admin.execute(
        update, {"input": {"id": gm, "expectedVersion": 1, "displayName": "G. Ma"}}
    )
    assert second["userUpdate"] == {
        "user": None,
        "errors": [{"code": "CONFLICT", "field": ["input", "expectedVersion"]}],
    }


async def test_departments_salespeople_and_products_carry_versions(demo, client_for):
    admin = await client_for("admin")
    vp = await user_global_id(demo, "vp")
    created = await admin.execute(
        'mutation($vp: ID!) { departmentCreate(input: {code: "D020", name: "Online Sales", '
        "vpInChargeId: $vp}) { department { id code version vpInCharge { login } } "
        "errors { code } } }",
        {"vp": vp},
    )
    department = created["departmentCreate"]["department"]
    assert (department["code"], department["version"], department["vpInCharge"]) == (
        "D020",
        1,
        {"login": "vp"},
    )
    person = await admin.execute(
        'mutation($d: ID!) { salespersonCreate(input: {departmentId: $d, code: "S0200", '
        'name: "Ma Lin"}) { salesperson { code version department { code } } errors { code } } }',
        {"d": department["id"]},
    )
    assert person["salespersonCreate"] == {
        "salesperson": {"code": "S0200", "version": 1, "department": {"code": "D020"}},
        "errors": [],
    }
    p0001 = await global_id(demo, "Product", "P0001")
    product = await admin.execute(
        "mutation($id: ID!) { productUpdate(input: {id: $id, expectedVersion: 1, "
        'listPrice: "1900.00"}) { product { code listPrice version } errors { code } } }',
        {"id": p0001},
    )
    assert product["productUpdate"] == {
        "product": {"code": "P0001", "listPrice": "1900.00", "version": 2},
        "errors": [],
    }


async def test_users_are_listed_by_login_and_filtered(demo_readonly, client_for):
    admin = await client_for("admin")
    data = await admin.execute(
        "{ all: users(first: 3) { totalCount nodes { login } } "
        "partners: users(where: {role: PARTNER}) { nodes { login } } "
        'found: users(where: {search: "FIN"}) { nodes { login displayName } } }'
    )
    assert data["all"]["totalCount"] == 10
    assert [n["login"] for n in data["all"]["nodes"]] == ["admin", "finance", "gm"]
    assert [n["login"] for n in data["partners"]["nodes"]] == ["partner", "partner2"]
    assert data["found"]["nodes"] == [{"login": "finance", "displayName": "Fei Nan (Finance)"}]


async def test_a_partner_lists_only_itself(demo_readonly, client_for):
    partner = await client_for("partner")
    data = await partner.execute("{ users { totalCount nodes { login customer { code } } } }")
    assert data["users"] == {
        "totalCount": 1,
        "nodes": [{"login": "partner", "customer": {"code": "C0001"}}],
    }
