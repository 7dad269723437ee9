"""Run a query operation a level at a time (see api.compiled).

Each level is a list of (selection plan, objects, result dicts). Every field of the plan is
completed for all its objects in one loop: attributes and plain methods directly, resolvers
called for each object with the arguments converted once for the level. Resolvers that wait
(loaders) are stepped by hand rather than each wrapped in a task: all of a level's calls run to
their first wait, so a level's loads become one batch per loader as in the standard executor;
then they are resumed as their loads complete. A completed object value becomes an empty dict
placed in its parent at once (keeping the key order of the standard answer) and is filled when
the next level runs.
"""

import asyncio
import inspect
import weakref
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLString,
    Undefined,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.executor import Executor, default_type_resolver
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfo
from strawberry.types.arguments import convert_arguments

from api.compiled.plan import (
    ATTRIBUTE,
    CALL,
    METHOD,
    TYPENAME,
    DocumentPlans,
    FieldPlan,
    SelectionPlan,
    Unsupported,
    arguments,
    field_plans,
)

MIN_INT, MAX_INT = -(2**31), 2**31 - 1


class Abandon(Exception):
    """The compiled answer would not be the standard one: the standard executor answers."""


# Plans per document, by identity (a node's hash walks the whole tree).
_plans: dict[int, DocumentPlans] = {}


def plans_of(document) -> DocumentPlans:
    plans = _plans.get(id(document))
    if plans is None:
        plans = _plans[id(document)] = DocumentPlans(document)
        weakref.finalize(document, _plans.pop, id(document), None)
    return plans


def leaf_completer(leaf_type, non_null: bool, key: str) -> tuple[Callable[[Any], Any], type | None]:
    """A leaf completed as graphql-core completes it: the type's own serializer, a null only
    where the type allows it; and the Python type whose values the serializer returns
    unchanged (a str for String and ID, a bool for Boolean), which callers pass straight
    through. Serialized dates are remembered for the request (a month repeats on every line;
    equal values of other types, such as Decimal("1.0") and Decimal("1.00"), may serialize
    apart)."""
    serialize = leaf_type.serialize
    remembered: dict = {}

    def complete(value):
        if value is None:
            if non_null:
                raise Abandon(f"null for the non-null field {key}")
            return None
        if type(value) is not date:  # equal values of other types may serialize apart
            return checked(value)
        out = remembered.get(value)
        if out is None:
            out = remembered[value] = checked(value)
        return out

    def checked(value):
        out = serialize(value)
        if out is None or out is Undefined:
            raise Abandon(f"{leaf_type.name} cannot serialize {value!r}")
        return out

    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return (lambda value: value if type(value) is str else complete(value)), str
    if leaf_type is GraphQLBoolean:
        return (lambda value: value if type(value) is bool else complete(value)), bool
    if leaf_type is GraphQLInt:
        return (
            lambda value: (
                value if type(value) is int and MIN_INT <= value <= MAX_INT else complete(value)
            )
        ), None
    return complete, None


class Waiting:
    """A resolver's coroutine (or future) that waits, and where its value goes."""

    __slots__ = ("awaitable", "complete", "future", "key", "target")

    def __init__(self, awaitable, complete, target: dict, key: str) -> None:
        self.awaitable = awaitable
        self.complete = complete
        self.target = target
        self.key = key
        self.future = awaitable if asyncio.isfuture(awaitable) else None


class Runner:
    """One execution of one query operation."""

    def __init__(self, executor: Executor, plans: DocumentPlans, strawberry_schema) -> None:
        self.executor = executor
        self.schema = executor.schema
        self.plans = plans
        self.strawberry_schema = strawberry_schema
        converter = strawberry_schema.schema_converter
        self.scalar_registry = converter.scalar_registry
        # Exception handlers turn a resolver's exception into data: only strawberry's wrapper
        # knows them, so with any configured every resolver goes through it.
        self.direct_calls = not getattr(converter, "_exception_handler_specs", True)
        self._completers: dict[int, Callable[[Any], Any]] = {}
        self._unchanged: dict[int, type] = {}  # leaf plans whose values of a type pass as they are
        self._infos: dict[int, GraphQLResolveInfo] = {}
        self._next: dict[tuple[int, str], tuple[SelectionPlan, list, list]] = {}

    def root(self) -> SelectionPlan:
        executor = self.executor
        operation = executor.operation
        name = operation.name.value if operation.name else None
        if self.plans.reusable and name in self.plans.roots:
            return self.plans.roots[name]
        root_type = self.schema.query_type
        grouped = collect_fields(
            self.schema, executor.fragments, executor.variable_values, root_type, operation
        ).grouped_field_set
        plan = SelectionPlan(
            root_type, field_plans(self.schema, root_type, grouped, self.direct_calls)
        )
        if self.plans.reusable:
            self.plans.roots[name] = plan
        return plan

    async def run(self, root_value: Any) -> dict:
        data: dict = {}
        level = [(self.root(), [root_value], [data])]
        while level:
            self._next = {}
            waiting: list[Waiting] = []
            try:
                for selection, objects, dicts in level:
                    self._complete(selection, objects, dicts, waiting)
                await self._settle(waiting)
            except BaseException:
                for entry in waiting:  # never to be resumed now
                    if inspect.iscoroutine(entry.awaitable):
                        entry.awaitable.close()
                raise
            level = list(self._next.values())
        return data

    def _complete(self, selection: SelectionPlan, objects: list, dicts: list, waiting: list):
        for plan in selection.fields:
            key = plan.key
            mode = plan.mode
            if mode == TYPENAME:
                name = selection.type.name
                for target in dicts:
                    target[key] = name
                continue
            complete = self._completer(plan, selection.type)
            if mode == ATTRIBUTE:
                attribute = plan.attribute
                unchanged = self._unchanged.get(id(plan))
                if unchanged is not None:  # the common leaf: a str or bool kept as it is
                    for obj, target in zip(objects, dicts, strict=True):
                        value = getattr(obj, attribute)
                        target[key] = value if type(value) is unchanged else complete(value)
                else:
                    for obj, target in zip(objects, dicts, strict=True):
                        target[key] = complete(getattr(obj, attribute))
                continue
            if mode == METHOD:
                method = plan.method
                if plan.passes_self:
                    for obj, target in zip(objects, dicts, strict=True):
                        target[key] = complete(method(obj))
                else:
                    for target in dicts:
                        target[key] = complete(method())
                continue
            info = self._info(plan, selection.type)
            args = plan.constant_args
            if args is None:
                args = arguments(plan.field_def, plan.field_details, self.executor.variable_values)
            if mode == CALL:
                call, args = self._direct(plan, info, args)
            else:
                call = plan.field_def.resolve or self.executor.field_resolver
                call = _with_info(call, info)
            for obj, target in zip(objects, dicts, strict=True):
                value = call(obj, args)
                if inspect.isawaitable(value):
                    target[key] = None  # its place in the key order, filled when it is done
                    waiting.append(Waiting(value, complete, target, key))
                else:
                    target[key] = complete(value)

    def _direct(self, plan: FieldPlan, info: GraphQLResolveInfo, args: dict):
        """The resolver as strawberry's wrapper calls it: arguments converted to strawberry's
        inputs (once for the level), the Info and `self` passed as it asks for them."""
        field = plan.strawberry_field
        strawberry_info = self.strawberry_schema.config.info_class(_raw_info=info, _field=field)
        kwargs = convert_arguments(
            args,
            field.arguments,
            scalar_registry=self.scalar_registry,
            config=self.strawberry_schema.config,
            info=strawberry_info,
        )
        if plan.info_parameter is not None:
            kwargs[plan.info_parameter] = strawberry_info
        method = plan.method
        if plan.passes_self:
            return (lambda obj, kw: method(obj, **kw)), kwargs
        return (lambda _obj, kw: method(**kw)), kwargs

    async def _settle(self, waiting: list[Waiting]) -> None:
        """Run every waiting resolver to its end, all of them to their first wait first."""
        ready = list(waiting)
        blocked: list[Waiting] = []
        while ready or blocked:
            for entry in ready:
                self._step(entry, blocked)
            if not blocked:
                return
            done, _ = await asyncio.wait(
                {entry.future for entry in blocked}, return_when=asyncio.FIRST_COMPLETED
            )
            ready = [entry for entry in blocked if entry.future in done]
            blocked = [entry for entry in blocked if entry.future not in done]

    def _step(self, entry: Waiting, blocked: list[Waiting]) -> None:
        awaitable = entry.awaitable
        if not inspect.iscoroutine(awaitable):
            future = entry.future
            if future is None:  # some other awaitable: let asyncio drive it
                entry.future = asyncio.ensure_future(awaitable)
                entry.awaitable = entry.future
                blocked.append(entry)
            elif future.done():
                entry.target[entry.key] = entry.complete(future.result())
            else:
                blocked.append(entry)
            return
        try:
            yielded = awaitable.send(None)
        except StopIteration as finished:
            entry.target[entry.key] = entry.complete(finished.value)
            return
        if yielded is None:  # a bare yield (asyncio.sleep(0)): go on in the next round
            future = asyncio.get_running_loop().create_future()
            future.set_result(None)
        elif asyncio.isfuture(yielded):
            yielded._asyncio_future_blocking = False  # as a Task does before it waits
            future = yielded
        else:
            raise Abandon(f"a resolver waited on {type(yielded).__name__}")
        entry.future = future
        blocked.append(entry)

    def _info(self, plan: FieldPlan, parent_type: GraphQLObjectType) -> GraphQLResolveInfo:
        info = self._infos.get(id(plan))
        if info is None:
            info = self._infos[id(plan)] = self.executor.build_resolve_info(
                plan.field_def, plan.nodes, parent_type, Path(None, plan.key, parent_type.name)
            )
        return info

    def _completer(self, plan: FieldPlan, parent_type: GraphQLObjectType):
        complete = self._completers.get(id(plan))
        if complete is None:
            info = self._info(plan, parent_type)
            complete = self._completers[id(plan)] = self._make(plan, plan.return_type, info)
        return complete

    def _make(self, plan: FieldPlan, type_, info) -> Callable[[Any], Any]:
        non_null = is_non_null_type(type_)
        inner_type = type_.of_type if non_null else type_
        if is_leaf_type(inner_type):
            complete, unchanged = leaf_completer(inner_type, non_null, plan.key)
            if unchanged is not None and type_ is plan.return_type:
                self._unchanged[id(plan)] = unchanged
            return complete
        inner = self._make_nullable(plan, inner_type, info)
        if non_null:

            def non_null_value(value):
                if value is None:
                    raise Abandon(f"null for the non-null field {plan.key}")
                return inner(value)

            return non_null_value
        return lambda value: None if value is None else inner(value)

    def _make_nullable(self, plan: FieldPlan, type_, info) -> Callable[[Any], Any]:
        if is_list_type(type_):
            item = self._make(plan, type_.of_type, info)

            def as_list(value):
                if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
                    raise Abandon(f"not a list for {plan.key}")
                return [item(v) for v in value]

            return as_list
        if is_object_type(type_):
            is_type_of = type_.is_type_of
            key = (id(plan), type_.name)
            leaves = self._leaf_attributes(self._child_plan(plan, type_))
            if leaves is not None:
                return self._shared(type_, info, leaves)

            def as_object(value):
                if is_type_of is not None and not is_type_of(value, info):
                    raise Abandon(f"not a {type_.name}")
                target: dict = {}
                entry = self._next.get(key) or self._level_entry(plan, type_)
                entry[1].append(value)
                entry[2].append(target)
                return target

            return as_object
        if is_abstract_type(type_):
            resolve_type = type_.resolve_type or default_type_resolver
            schema = self.schema

            def as_abstract(value):
                name = resolve_type(value, info, type_)
                runtime = schema.get_type(name) if isinstance(name, str) else None
                if not is_object_type(runtime) or not schema.is_sub_type(type_, runtime):
                    raise Abandon(f"no runtime type for {type_.name}")
                if runtime.is_type_of is not None and not runtime.is_type_of(value, info):
                    raise Abandon(f"not a {runtime.name}")
                target: dict = {}
                entry = self._next.get((id(plan), runtime.name)) or self._level_entry(plan, runtime)
                entry[1].append(value)
                entry[2].append(target)
                return target

            return as_abstract
        raise Unsupported(f"type {type_}")

    def _child_plan(self, plan: FieldPlan, runtime: GraphQLObjectType) -> SelectionPlan:
        child = plan.children.get(runtime.name)
        if child is None:
            grouped = self.executor.collect_subfields(runtime, plan.field_details).grouped_field_set
            child = plan.children[runtime.name] = SelectionPlan(
                runtime, field_plans(self.schema, runtime, grouped, self.direct_calls)
            )
        return child

    def _level_entry(self, plan: FieldPlan, runtime: GraphQLObjectType) -> tuple:
        """The next level's (selection plan, objects, dicts) for values of `plan` of type
        `runtime`, made on the first such value."""
        entry = self._next[(id(plan), runtime.name)] = (self._child_plan(plan, runtime), [], [])
        return entry

    def _leaf_attributes(self, child: SelectionPlan) -> list | None:
        """[(key, attribute or None for __typename, completer)] when the selection is only
        leaves read as attributes (a line's product: code, name, unit...); otherwise None."""
        leaves = []
        for field_plan in child.fields:
            if field_plan.mode == TYPENAME:
                leaves.append((field_plan.key, None, None))
            elif field_plan.mode == ATTRIBUTE and is_leaf_type(field_plan.named_type):
                complete = self._completer(field_plan, child.type)
                leaves.append((field_plan.key, field_plan.attribute, complete))
            else:
                return None
        return leaves

    def _shared(self, type_: GraphQLObjectType, info, leaves: list) -> Callable[[Any], Any]:
        """Objects whose selection is only leaf attributes, completed at once and once per
        object: an object met again (the same product on thousands of lines) gets the same
        answer, so the same dict is placed again (JSON writes it out each time)."""
        is_type_of = type_.is_type_of
        done: dict[int, tuple[Any, dict]] = {}  # id(object) → (object, its dict); kept alive

        def as_shared(value):
            found = done.get(id(value))
            if found is not None:
                return found[1]
            if is_type_of is not None and not is_type_of(value, info):
                raise Abandon(f"not a {type_.name}")
            target = {
                key: type_.name if attribute is None else complete(getattr(value, attribute))
                for key, attribute, complete in leaves
            }
            done[id(value)] = (value, target)
            return target

        return as_shared


def _with_info(resolve, info):
    """graphql-core's way of calling a field's resolver: (source, info, **arguments)."""
    return lambda obj, args: resolve(obj, info, **args)
