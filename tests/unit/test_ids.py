"""api.ids: opaque global ids and pagination cursors round-trip; anything else is refused."""

import base64

import pytest

from api.ids import BadId, decode_cursor, encode_cursor, from_global_id, pk_of, to_global_id


@pytest.mark.parametrize(
    ("type_name", "pk"),
    [("Company", 1), ("SalesPlan", 168), ("SalesPlanLine", 2**40), ("Product", 0)],
)
def test_a_global_id_round_trips_to_its_type_and_primary_key(type_name, pk):
    global_id = to_global_id(type_name, pk)
    assert from_global_id(global_id) == (type_name, pk)


def test_a_global_id_is_opaque_base64_of_type_and_key():
    assert to_global_id("Company", 1) == "Q29tcGFueTox"
    assert base64.b64decode(to_global_id("SalesPlan", 12)) == b"SalesPlan:12"


def test_global_ids_of_different_types_with_the_same_key_differ():
    assert to_global_id("Company", 1) != to_global_id("Department", 1)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not base64!",
        "Q29tcGFueTo",  # truncated
        base64.b64encode(b"Company").decode(),  # no key
        base64.b64encode(b"Company:one").decode(),
        base64.b64encode(b"Company:1:2").decode(),
        base64.b64encode(b"\xff\xfe:1").decode(),  # not UTF-8
        "Q29tcGFueTox\u00e9",  # non-ASCII
        base64.b64encode(b"Company:" + b"9" * 25).decode(),  # beyond any BIGINT key
        base64.b64encode(b"Company:9223372036854775808").decode(),  # 2**63
        base64.b64encode(b"Company:-1").decode(),
        base64.b64encode(b"Company: 1").decode(),
        base64.b64encode(b"Company:1_0").decode(),
        base64.b64encode("Company:\u0661".encode()).decode(),  # an Arabic-Indic digit one
    ],
)
def test_a_string_that_is_not_one_of_our_ids_is_a_bad_id(garbage):
    with pytest.raises(BadId):
        from_global_id(garbage)


def test_the_largest_bigint_key_is_still_an_id():
    largest = to_global_id("SalesOrder", 2**63 - 1)
    assert from_global_id(largest) == ("SalesOrder", 2**63 - 1)


def test_pk_of_accepts_only_the_named_types():
    plan_id = to_global_id("SalesPlan", 5)
    assert pk_of(plan_id, "SalesPlan") == 5
    assert pk_of(plan_id, "Company", "SalesPlan") == 5
    assert pk_of(plan_id, "Product") is None


def test_pk_of_garbage_is_none_rather_than_an_error():
    assert pk_of("%%%", "SalesPlan") is None


@pytest.mark.parametrize(
    "values", [["2026-01-01", 17], ["D001", 3], [42, 42], ["2026-03-01T08:00:00+00:00", 9]]
)
def test_a_cursor_round_trips_to_its_sort_value_and_id(values):
    cursor = encode_cursor(values)
    assert decode_cursor(cursor) == values


def test_a_cursor_is_url_safe():
    cursor = encode_cursor(["\u00ff\u00ff\u00ff???>>>", 1])
    assert "+" not in cursor and "/" not in cursor


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "!!!",
        "abc",  # bad padding
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),  # not a list
        base64.urlsafe_b64encode(b"[1]").decode(),  # one value
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),  # three values
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    ],
)
def test_a_string_that_is_not_one_of_our_cursors_is_refused(garbage):
    with pytest.raises(BadId):
        decode_cursor(garbage)
