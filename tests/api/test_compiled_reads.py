"""The compiled read path (api.compiled) answers byte for byte what the standard executor
answers: for the benchmark's full nested read as every reading role, and for generated queries
over plans, orders and reports (deep reads with real ids, and hypothesis-graphql's queries on
default pages) as internal and partner users. Whatever it does not answer itself falls back to
the standard executor, so the test also checks that most generated queries were its own."""

import asyncio
from types import SimpleNamespace

import graphql
import orjson
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import queries
from sqlalchemy import text

import api.compiled.extension as compiled_extension
from api.context import Context
from api.limits.settings import Limits, LimitSettings
from api.schema import schema
from bench.nested_read import QUERY as FULL_NESTED_READ
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from tests.fuzz.operations import custom_scalars, default_pages, full_selection, id_pool

# Root fields of plans, orders and reports (and the generic ones that reach them).
ROOTS = [
    "companies",
    "salesPlan",
    "salesPlans",
    "salesOrder",
    "salesOrders",
    "customers",
    "orderExecutionReport",
    "planVsActual",
    "deliveryReport",
    "deliveryReports",
    "node",
    "nodes",
    "viewer",
]
ROLES = ["vp", "manager", "sales", "partner", "report"]
GENERATED = 240
# Requests of the test: budgets it cannot use up.
LIMITS = Limits(
    LimitSettings(_env_file=None, rate_limit_capacity=1e12, rate_limit_restore_rate=1e12)
)


class Paths:
    """Runs one operation on both paths, as one user, in-process through the whole schema."""

    def __init__(self, engine, settings, actors: dict) -> None:
        self.engine = engine
        self.settings = settings
        self.actors = actors
        self.compiled_answers = 0
        self.compared = 0

    async def answer(self, login: str, query: str, variables: dict, compiled: bool) -> bytes:
        request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(limits=LIMITS)))
        context = Context(
            self.engine,
            self.settings,
            actor=self.actors[login],
            request=request,
            compiled_reads=compiled,
        )
        try:
            result = await schema.execute(query, variables, context_value=context)
        finally:
            await context.db.close()
        errors = [
            {k: v for k, v in e.formatted.items() if k != "extensions"}
            | {"code": (e.extensions or {}).get("code")}
            for e in result.errors or ()
        ]
        return orjson.dumps({"data": result.data, "errors": errors})

    async def compare(self, login: str, query: str, variables: dict | None = None) -> bytes:
        standard = await self.answer(login, query, variables or {}, compiled=False)
        answered = []
        original = compiled_extension.CompiledReads._answer

        async def spying(extension) -> None:
            await original(extension)
            answered.append(extension.execution_context.result is not None)

        compiled_extension.CompiledReads._answer = spying
        try:
            compiled = await self.answer(login, query, variables or {}, compiled=True)
        finally:
            compiled_extension.CompiledReads._answer = original
        assert compiled == standard, f"{login}: {query}\n{variables}"
        self.compared += 1
        self.compiled_answers += bool(answered and answered[0])
        return compiled


async def paths_for(engine, settings) -> Paths:
    actors = {}
    async with engine.connect() as conn:
        ids = dict((await conn.execute(text("SELECT login, id FROM app_user"))).all())
    async with create_sessionmaker(engine)() as session:
        for login in ROLES:
            actors[login] = await load_actor(session, ids[login])
    return Paths(engine, settings, actors)


async def test_the_full_nested_read_is_the_same_bytes_on_both_paths_for_every_role(
    demo_readonly, settings
):
    paths = await paths_for(demo_readonly, settings)
    for login in ROLES:
        answer = orjson.loads(await paths.compare(login, FULL_NESTED_READ))
        assert answer["errors"] == []
    # The VP reads the whole company; the test compared real data, not empty lists.
    vp = orjson.loads(await paths.compare("vp", FULL_NESTED_READ))["data"]
    departments = vp["companies"]["nodes"][0]["departments"]["nodes"]
    lines = [
        line
        for department in departments
        for plan in department["salesPlans"]["nodes"]
        for line in plan["lines"]["nodes"]
    ]
    assert len(departments) == 3 and len(lines) > 100
    assert paths.compiled_answers == paths.compared


async def test_a_query_the_compiled_path_does_not_take_is_answered_by_the_standard_one(
    demo_readonly, settings
):
    paths = await paths_for(demo_readonly, settings)
    introspection = await paths.compare("vp", "{ __schema { queryType { name } } }")
    assert orjson.loads(introspection)["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    bad_cursor = await paths.compare(
        "vp", '{ salesPlans(first: 2, after: "bm9wZQ==") { totalCount } }'
    )
    assert orjson.loads(bad_cursor)["errors"][0]["message"] == "not a valid cursor: 'bm9wZQ=='"
    with_variables = await paths.compare(
        "sales",
        "query($n: Int, $all: Boolean!) { salesPlans(first: $n) { nodes { id title "
        "lines @include(if: $all) { totalCount } } } }",
        {"n": 3, "all": True},
    )
    assert len(orjson.loads(with_variables)["data"]["salesPlans"]["nodes"]) == 3
    assert paths.compiled_answers == 1  # the last one; the first two are the standard path's


def generated_queries(graphql_schema, ids: list[str]) -> st.SearchStrategy[str]:
    """Deep reads of a root field with every field one or two levels down (ids from the demo),
    and hypothesis-graphql's queries of one root field on default pages."""
    query_type = graphql_schema.query_type

    def deep(name: str, picked: list[str], levels: int, rng) -> str:
        field_def = query_type.fields[name]
        arguments = []
        for argument, argument_def in field_def.args.items():
            if graphql.get_named_type(argument_def.type).name == "ID":
                many = graphql.is_list_type(graphql.get_nullable_type(argument_def.type))
                value = picked if many else picked[0]
                arguments.append(f"{argument}: {orjson.dumps(value).decode()}")
        call = f"{name}({', '.join(arguments)})" if arguments else name
        return f"{{ {call} {full_selection(graphql_schema, field_def.type, levels, rng)} }}"

    deep_reads = st.builds(
        deep,
        st.sampled_from(ROOTS),
        st.lists(st.sampled_from(ids), min_size=1, max_size=4),
        st.sampled_from([1, 2]),
        st.randoms(use_true_random=False),
    )
    scalars = custom_scalars(ids)
    single = st.sampled_from(ROOTS).flatmap(
        lambda name: queries(
            graphql_schema,
            fields=[name],
            custom_scalars=scalars,
            print_ast=lambda document: graphql.print_ast(default_pages(document)),
        )
    )
    return st.one_of(deep_reads, single)


async def test_generated_queries_over_plans_orders_and_reports_are_the_same_bytes(
    demo_readonly, settings
):
    paths = await paths_for(demo_readonly, settings)
    ids = await id_pool(demo_readonly)
    loop = asyncio.get_running_loop()
    strategy = st.tuples(generated_queries(schema._schema, ids), st.sampled_from(ROLES))

    def run() -> None:
        @seed(13)
        @hypothesis_settings(
            max_examples=GENERATED,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def same_bytes(case) -> None:
            query, login = case
            asyncio.run_coroutine_threadsafe(paths.compare(login, query), loop).result(300)

        same_bytes()

    await asyncio.to_thread(run)
    assert paths.compared >= 200
    # Most were the compiled path's own answers, not fallbacks to the standard executor.
    assert paths.compiled_answers >= 0.6 * paths.compared, (
        paths.compiled_answers,
        paths.compared,
    )
