"""``FieldChecks`` answers what ``Model.clean_fields()`` answers, field by field and message by message, for values
already of their fields' types: blank, null, choices, lengths, digits and bounds."""

import datetime
from decimal import Decimal

import pytest

from land.models import Campaign, Parcel
from linfen_admin.fieldchecks import FieldChecks

PARCEL_VALUES = {
    "kind": "unsupplied",
    "code": "P-1",
    "name": "地块一",
    "location": "",
    "area_mu": Decimal("12.500"),
    "approved_on": datetime.date(2018, 5, 2),
    "land_price_wan": None,
    "cause": "",
}

CASES = [
    {},
    {"code": "X" * 33},  # max_length 32
    {"code": "X" * 32},
    {"name": ""},  # required
    {"name": "地块\x00一"},  # a model CharField does not refuse it (a form's does): neither may FieldChecks
    {"kind": "wasteland"},  # not a choice
    {"cause": "enterprise"},
    {"cause": "nonsense"},
    {"area_mu": Decimal("1234567890.123")},  # 10 whole digits of 9
    {"area_mu": Decimal("1.2345")},  # 4 places of 3
    {"area_mu": None},  # not null
    {"land_price_wan": Decimal("12.345")},
    {"location": "路" * 201, "code": ""},
]


def _django_errors(model, values: dict) -> dict:
    from django.core.exceptions import ValidationError

    instance = model(**values)
    try:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in values])
    except ValidationError as exc:
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {}


@pytest.mark.parametrize("change", CASES, ids=[",".join(case) or "valid" for case in CASES])
def test_parcel_fields_as_clean_fields(change):
    values = {**PARCEL_VALUES, **change}
    expected = _django_errors(Parcel, values)
    assert FieldChecks(Parcel, values).errors(values) == expected
    valid = ({}, {"code": "X" * 32}, {"cause": "enterprise"}, {"name": "地块\x00一"})
    assert bool(expected) == (change not in valid)


@pytest.mark.parametrize("misses", [0, 1, 5])
def test_bounds_from_validators(misses):
    values = {"year": 2022, "title": "专项行动", "suspend_after_misses": misses}
    assert FieldChecks(Campaign, values).errors(values) == _django_errors(Campaign, values)
    assert bool(FieldChecks(Campaign, values).errors(values)) == (misses == 0)


def test_an_absent_field_is_not_checked():
    assert FieldChecks(Parcel, ["code", "name"]).errors({"code": "P-1"}) == {}
