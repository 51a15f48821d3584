import datetime

import pytest

from linfen_admin.credit_code import check_character


def make_code(region_code: str = "141002", serial: int = 1, category: str = "91") -> str:
    first17 = f"{category}{region_code}{serial:09d}"
    return first17 + check_character(first17)


@pytest.fixture
def items(seeded):
    from approvals.models import Item
    from approvals.seed import load_items

    load_items()
    return {item.number: item for item in Item.objects.all()}


@pytest.fixture
def regions(seeded):
    from linfen_admin.models import Region

    return {region.name: region for region in Region.objects.all()}


@pytest.fixture
def new_case(items, regions, users):
    from approvals import services

    counter = {"n": 0}

    def make(number=5, region="尧都区", actor="default", accepted_on=datetime.date(2022, 9, 26), **extra):
        counter["n"] += 1
        if actor == "default":
            actor = users["yaodu_approval"] if region == "尧都区" else users["city_approval"]
        elif isinstance(actor, str):
            actor = users[actor]
        return services.case_create(
            actor=actor,
            item=items[number],
            region=regions[region] if region else None,
            applicant_name=extra.pop("applicant_name", f"申请人{counter['n']}"),
            applicant_credit_code=extra.pop("applicant_credit_code", make_code(serial=counter["n"])),
            accepted_on=accepted_on,
            **extra,
        )

    return make
