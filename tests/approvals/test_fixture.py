"""fixtures/approval_items.json must equal the seed's table (临政发〔2022〕5 号 附件), parsed here independently."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

# 临政发〔2022〕5 号 as printed in the gazette (lines 2124–3214 of its text edition; see fixtures/gazette/README.md).
SEED = Path(settings.BASE_DIR) / "fixtures" / "gazette" / "linzhengfa-2022-05.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "approval_items.json"
HEADER = "序号事项名称权力类型设定依据省政府改革意见我市承接部门加强事中事后监管措施备注"
POWER_TYPE_VERTICAL = "行政许可"  # printed one character per line


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_rows() -> dict[int, str]:
    """Split the document into the 19 table rows: {number: row text without whitespace}."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "行政审批事项清单(共 19 项)" in line)
    end = next(i for i, line in enumerate(lines) if "关于成立临汾市汾西灌区" in line)
    body = lines[start + 1 : end]
    starts = []
    cursor = 0
    for number in range(1, 20):
        # A row starts with a line holding just its number, or the number and the start of the name.
        pattern = re.compile(rf"^{number}(\s+[^\s号年条项月日]+.*)?$")
        cursor = next(i for i in range(cursor, len(body)) if pattern.match(body[i].strip()))
        starts.append(cursor)
        cursor += 1
    rows = {}
    for index, begin in enumerate(starts):
        finish = starts[index + 1] if index + 1 < len(starts) else len(body)
        text = squash("\n".join(body[begin:finish])).replace(HEADER, "")
        # the 临汾市人民政府 signature printed vertically after the table
        text = re.sub(r"临汾市人民政府$", "", text)
        rows[index + 1] = text[len(str(index + 1)) :]
    return rows


def parse_row(text: str) -> dict:
    name, rest = text.split(POWER_TYPE_VERTICAL, 1)
    match = re.match(
        r"(?P<basis>.*?)(?P<decision>下放至.*?部门)(?P<dept>.*?)(?P<tail>(1\.|通过|下放后).*)$", rest
    )
    assert match, text
    return {"name": name, **match.groupdict()}


@pytest.fixture(scope="module")
def fixture_items():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed():
    return {number: parse_row(text) for number, text in seed_rows().items()}


def test_nineteen_numbers_in_order(fixture_items, parsed):
    assert [item["number"] for item in fixture_items] == list(range(1, 20))
    assert sorted(parsed) == list(range(1, 20))


def test_names_as_printed(fixture_items, parsed):
    seed_text = squash(SEED.read_text(encoding="utf-8"))
    for item in fixture_items:
        assert squash(item["name"]) in seed_text
        assert squash(item["name"]) == parsed[item["number"]]["name"], item["number"]
        assert item["power_type"] == "行政许可"


def test_receiving_department_and_decision_as_printed(fixture_items, parsed):
    for item in fixture_items:
        row = parsed[item["number"]]
        assert item["receiving_department"] == row["dept"], item["number"]
        assert item["provincial_decision"] == row["decision"], item["number"]
        assert squash(item["legal_basis"]) == row["basis"], item["number"]
        expected_level = "city" if row["decision"].startswith("下放至市") else "county"
        assert item["level"] == expected_level, item["number"]


def test_measures_and_remarks_cover_the_rest_of_the_row(fixture_items, parsed):
    for item in fixture_items:
        tail = parsed[item["number"]]["tail"]
        assert squash("".join(item["supervision_measures"]) + item["remarks"]) == tail, item["number"]
        assert all(squash(m) for m in item["supervision_measures"])


def test_receiving_department_kind_matches_the_printed_department(fixture_items):
    kinds = {
        "行政审批": "approval_service",
        "农业农村": "agriculture",
        "交通运输": "transport",
        "卫健": "health",
    }
    for item in fixture_items:
        expected = [kind for word, kind in kinds.items() if word in item["receiving_department"]]
        assert [item["receiving_department_kind"]] == expected, item["number"]


def test_supervising_departments_come_from_the_remarks(fixture_items):
    for item in fixture_items:
        for department in item["supervising_departments"]:
            assert squash(department) in squash(item["remarks"]), item["number"]


def test_loader_is_idempotent_and_creates_handover_rows(seeded):
    from approvals.models import HandoverChecklist, Item
    from approvals.seed import load_items

    first = load_items()
    second = load_items()
    assert first == second
    assert Item.objects.count() == 19
    # 8 city items × 1 city department + 11 county items × 18 county-level regions (17 counties + 开发区)
    assert first["承接清单"] == HandoverChecklist.objects.count() == 8 + 11 * 18
    item = Item.objects.get(number=16)
    assert item.level == "city" and item.receiving_department == "市卫健委"
    assert item.supervision_measures[0] == "下放后,通过以下措施加强监管:"
