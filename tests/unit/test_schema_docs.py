"""The description check of `make check` (api.schema_docs) and what the served schema declares."""

from graphql import build_schema

from api.schema import schema
from api.schema_docs import main, undocumented

DOCUMENTED = '''
"""Reads."""
type Query {
  """A shelf by code; null when there is none."""
  shelf(
    """The shelf's code."""
    code: String!
  ): Shelf
}

"""Where goods lie."""
type Shelf {
  """Unique code."""
  code: String!
  """How full it is."""
  state: ShelfState!
}

"""How full a shelf is."""
enum ShelfState {
  """Nothing on it."""
  EMPTY
  """No room left."""
  FULL
}

"""What to put on a shelf."""
input ShelfLoadInput {
  """Units, > 0."""
  quantity: Int!
}

"""Marks a field for the audit log."""
directive @audited(
  """Why it is audited."""
  reason: String
) on FIELD_DEFINITION
'''


def test_a_fully_documented_schema_passes():
    assert undocumented(build_schema(DOCUMENTED)) == []


def test_one_undocumented_field_is_reported_by_its_coordinate():
    sdl = DOCUMENTED.replace('  """How full it is."""\n', "")
    assert undocumented(build_schema(sdl)) == ["Shelf.state"]


def test_each_kind_of_undocumented_element_is_reported():
    sdl = (
        DOCUMENTED.replace('"""Where goods lie."""\n', "")
        .replace('    """The shelf\'s code."""\n', "")
        .replace('  """No room left."""\n', "")
        .replace('  """Units, > 0."""\n', "")
        .replace('  """Why it is audited."""\n', "")
    )
    assert undocumented(build_schema(sdl)) == [
        "Query.shelf(code:)",
        "Shelf",
        "ShelfLoadInput.quantity",
        "ShelfState.FULL",
        "@audited(reason:)",
    ]


def test_a_blank_description_counts_as_none():
    sdl = DOCUMENTED.replace('"""Unique code."""', '"""  """')
    assert undocumented(build_schema(sdl)) == ["Shelf.code"]


def test_the_command_fails_on_an_undocumented_field_and_names_it(tmp_path, capsys):
    good, bad = tmp_path / "good.graphql", tmp_path / "bad.graphql"
    good.write_text(DOCUMENTED)
    bad.write_text(DOCUMENTED.replace('  """Unique code."""\n', ""))
    assert main([str(good)]) == 0
    assert main([str(bad)]) == 1
    assert f"{bad}: no description: Shelf.code" in capsys.readouterr().err


def test_date_datetime_and_decimal_name_the_format_they_follow():
    served = schema._schema.type_map
    assert {name: served[name].specified_by_url for name in ("Date", "DateTime", "Decimal")} == {
        "Date": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
        "DateTime": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
        "Decimal": "https://speleotrove.com/decimal/daconvs.html#refnumsyn",
    }
