"""Benchmark: import a 10,000-row parcel sheet (xlsx) through ``land.imports.parcel_import``; prints rows/s.

Runs against a throwaway SQLite database in a temporary VAR_DIR unless DATABASE_URL is set (then that
database is migrated and used — point it at a scratch database). Usage:

    .venv/bin/python bench/land_import.py [--rows 10000] [--format xlsx|csv]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_sheet(rows: int, fmt: str) -> bytes:
    regions = ["尧都区", "洪洞县", "曲沃县", "翼城县", "襄汾县", "侯马市", "霍州市", "古\u3000 县"]
    header = [
        "县(市、区)",
        "类型",
        "宗地编号",
        "项目名称",
        "位置",
        "面积(亩)",
        "批准文号",
        "批准时间",
        "供应方式",
        "价款(万元)",
        "约定开工时间",
        "未开工原因",
        "挂牌督办",
    ]
    lines = [["临汾市批而未用土地宗地清单"], header]
    for n in range(rows):
        idle = n % 3 == 0
        lines.append(
            [
                regions[n % len(regions)],
                "闲置土地" if idle else "批而未供",
                f"BENCH{n:07d}",
                f"基准测试地块 {n}",
                f"某镇某村 {n} 号",
                f"{(n % 500) + 1}. {n % 100:02d}",
                "" if idle else f"晋政地字〔2016〕{n % 300} 号",
                "" if idle else "2016-05-20",
                "挂牌出让" if idle else "",
                "1,250.00" if idle else "",
                "2019/3/1" if idle else "",
                "企业自身原因" if idle else "",
                "否",  # 挂牌督办 is listed through its procedure, never by a sheet (an export read back carries 否)
            ]
        )
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        csv.writer(buffer).writerows(lines)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="land-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.local")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from land import imports
    from land.models import Parcel
    from linfen_admin.models import User
    from linfen_admin.seed import load_core

    call_command("migrate", verbosity=0)
    load_core()
    actor, _created = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    Parcel.objects.filter(code__startswith="BENCH").delete()

    started = time.perf_counter()
    data = build_sheet(args.rows, args.format)
    print(
        f"sheet: {args.rows} rows, {len(data) / 1e6:.1f} MB {args.format}, built in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def run(label, dry_run):
        upload = SimpleUploadedFile(f"bench.{args.format}", data)
        started = time.perf_counter()
        result = imports.parcel_import(actor=actor, upload=upload, dry_run=dry_run)
        elapsed = time.perf_counter() - started
        print(f"{label:<22} {result.as_dict()}  {elapsed:6.2f} s  {result.rows / elapsed:8.0f} rows/s")

    run("validate (dry run)", True)
    run("import (create)", False)
    run("re-import (no change)", False)


if __name__ == "__main__":
    main()
