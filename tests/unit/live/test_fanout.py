"""Which variables decide a live answer: those the selection uses, not those of the
subscription field's own arguments (which choose the events)."""

from graphql import parse

from api.live.fanout import variables_in


def test_the_variables_a_selection_uses_are_found_in_fields_directives_and_fragments():
    document = parse(
        """subscription S($id: ID, $after: String, $n: Int, $f: Boolean, $g: Int) {
             x(planId: $id, after: $after) @include(if: $f) { a(first: $n) ...F } }
           fragment F on T { b(k: $g) { c @skip(if: $f) } }"""
    )
    field = document.definitions[0].selection_set.selections[0]
    found: set[str] = set()
    variables_in(field.selection_set, found)
    variables_in(field.directives, found)
    variables_in(tuple(document.definitions[1:]), found)
    assert found == {"n", "f", "g"}  # $id and $after only pick the events


def test_a_selection_without_variables_uses_none():
    field = parse("subscription { x(planId: 1) { a b { c } } }").definitions[0]
    found: set[str] = set()
    variables_in(field.selection_set, found)
    assert found == set()
