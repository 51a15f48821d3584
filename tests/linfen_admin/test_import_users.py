"""Staff in bulk: ``manage.py import_users`` from an xlsx or csv list — all or none, row errors, random initial
passwords handed over in a file only the operator can read, audited."""

import csv
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from linfen_admin.models import AuditEvent, User

HEADER = ["用户名", "姓名", "角色", "县(市、区)", "部门", "邮箱"]


def _xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_imports_staff_with_role_region_and_department(seeded, tmp_path):
    sheet = _xlsx(
        tmp_path / "staff.xlsx",
        [
            HEADER,
            [
                "quwo_land",
                "曲沃县自然资源局 王一",
                "县级自然资源局",
                "曲沃县",
                "141021-land",
                "w1@example.gov.cn",
            ],
            ["city_fin2", "市财政局 李二", "市财政局", "", "city-finance", ""],
        ],
    )
    out = tmp_path / "passwords.csv"
    call_command("import_users", str(sheet), passwords_out=str(out), verbosity=0)
    clerk = User.objects.get(username="quwo_land")
    assert (
        clerk.roles == {"county_land"}
        and clerk.region.name == "曲沃县"
        and clerk.department.code == "141021-land"
    )
    assert User.objects.get(username="city_fin2").roles == {"finance"}
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["用户名", "姓名", "初始密码"] and len(rows) == 3
    assert clerk.check_password(rows[1][2])
    assert AuditEvent.objects.filter(action="import", object_id=str(clerk.pk)).exists()


def test_a_bad_row_creates_nobody(seeded, tmp_path):
    sheet = tmp_path / "staff.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(
            [
                HEADER,
                ["ok_user", "甲", "领导小组", "", "", ""],
                ["bad_role", "乙", "局长", "", "", ""],
                ["no_region", "丙", "县级自然资源局", "", "", ""],
                ["ok_user", "丁", "领导小组", "", "", ""],
            ]
        )
    with pytest.raises(CommandError) as caught:
        call_command("import_users", str(sheet), passwords_out=str(tmp_path / "p.csv"), verbosity=0)
    text = str(caught.value)
    assert "第 3 行 角色" in text and "第 4 行 县(市、区)" in text and "第 5 行 用户名" in text
    assert not User.objects.filter(username__in=["ok_user", "bad_role", "no_region"]).exists()
