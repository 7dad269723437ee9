"""The description check of `make check`: every element of the schema a client can see is described.

Run as `python -m api.schema_docs schema.graphql`; it lists each type, field, argument, input
field, enum value and custom directive without a description and exits 1 when there is any.
It reads the committed SDL (kept in step with the code by `salesplan export-schema --check`), so
it checks exactly what clients are given. GraphQL's own scalars, directives and introspection
types are described by the specification and are skipped.
"""

import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    is_introspection_type,
    is_specified_directive,
    is_specified_scalar_type,
)


def _described(element) -> bool:
    return bool((element.description or "").strip())


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Schema coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive`)
    of the elements without a description, in a stable order."""
    missing: list[str] = []
    for name in sorted(schema.type_map):
        named = schema.type_map[name]
        if is_introspection_type(named) or is_specified_scalar_type(named):
            continue
        if not _described(named):
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not _described(field):
                    missing.append(f"{name}.{field_name}")
                missing.extend(
                    f"{name}.{field_name}({arg_name}:)"
                    for arg_name, arg in field.args.items()
                    if not _described(arg)
                )
        elif isinstance(named, GraphQLInputObjectType):
            missing.extend(
                f"{name}.{field_name}"
                for field_name, field in named.fields.items()
                if not _described(field)
            )
        elif isinstance(named, GraphQLEnumType):
            missing.extend(
                f"{name}.{value_name}"
                for value_name, value in named.values.items()
                if not _described(value)
            )
    for directive in sorted(schema.directives, key=lambda d: d.name):
        if is_specified_directive(directive):
            continue
        if not _described(directive):
            missing.append(f"@{directive.name}")
        missing.extend(
            f"@{directive.name}({arg_name}:)"
            for arg_name, arg in directive.args.items()
            if not _described(arg)
        )
    return missing


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m api.schema_docs SCHEMA.graphql", file=sys.stderr)
        return 2
    path = Path(args[0])
    missing = undocumented(build_schema(path.read_text()))
    if missing:
        for coordinate in missing:
            print(f"{path}: no description: {coordinate}", file=sys.stderr)
        print(f"{len(missing)} schema elements have no description", file=sys.stderr)
        return 1
    print(f"{path}: every type, field, argument, input field and enum value is described")
    return 0


if __name__ == "__main__":
    sys.exit(main())
