"""The compiled read path: query operations answered without graphql-core's per-field execution.

graphql-core executes a field at a time: for every field of every object it builds a resolve
info, calls strawberry's resolver wrapper, checks the result and completes it, about 3-4 µs a
field. A large read (17k plan lines, ~200k fields) spends most of its time there, and a small
one a third of it. This path answers the same query a level at a time instead:

- plan.py: the document's selection sets are turned once into plans (per object type: each
  field with how its value is got: an attribute, a plain method, or the field's own resolver
  with its arguments) and kept with the document (api.document_cache keeps the document);
- execute.py: every object of a level is completed field by field; resolvers that load
  (connections, relations) are called for the whole level at once, so the request's DataLoaders
  batch them per level exactly as the standard executor makes them; leaves are serialized by
  the schema's own scalar and enum serializers;
- extension.py: a schema extension that answers query operations so, after the limits, the
  authentication and the cost estimate have run.

The standard executor stays the reference and the fallback. The compiled path takes only what it
can answer identically, byte for byte: anything else (introspection, a field with extensions or
permission classes, schema extensions that wrap resolvers such as tracing) goes to the standard
executor before anything runs, and anything unexpected while running (a resolver raising, a
null for a non-null field, a type it cannot place) abandons the compiled answer and lets the
standard executor answer with its errors. The reads it made stay in the request's loaders, so a
fallback costs little SQL. COMPILED_READS=false turns the path off.
"""

import os


def enabled_by_environment() -> bool:
    """COMPILED_READS (default true): whether query operations may take the compiled path."""
    return os.environ.get("COMPILED_READS", "true").strip().lower() not in ("0", "false", "no")
