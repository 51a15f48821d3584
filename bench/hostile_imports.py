"""Benchmark: the hostile files of issue 12 against the import services — time to the answer and the process's
peak memory (resident set) growth. Not part of the test suite. Usage:

    .venv/bin/python bench/hostile_imports.py

Files: a 0.8 MB xlsx that unpacks to 237 MB (a zip bomb), and a 19 MB csv of 3,000,000 bad rows.
"""

import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c><v>0</v></c>" * (237 * 1024 * 1024 // 15))
    return buffer.getvalue()


def bad_csv() -> bytes:
    header = "县(市、区),类型,宗地编号,项目名称,面积(亩)\n"
    return (header + "x,,,,\n" * 3_000_000).encode("utf-8")  # 19 MB: 3 million rows naming no region


def main():
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="hostile-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.local")
    os.environ["DEBUG"] = "1"
    os.environ["UPLOAD_MAX_BYTES"] = str(64 * 1024 * 1024)  # let the 19 MB csv past the upload limit
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from land import imports
    from land.models import Campaign
    from linfen_admin.accounts import system_user

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    actor, campaign = system_user(), Campaign.objects.get(year=2022)
    print(f"{'file':<34} {'size':>9} {'answer (s)':>11} {'peak RSS growth (MB)':>21}  answer")
    for label, content, name, run in (
        (
            "xlsx unpacking to 237 MB",
            zip_bomb(),
            "bomb.xlsx",
            lambda upload: imports.quota_import(actor=actor, campaign=campaign, upload=upload, dry_run=False),
        ),
        (
            "csv of 3,000,000 bad rows",
            bad_csv(),
            "bad.csv",
            lambda upload: imports.parcel_import(actor=actor, upload=upload, dry_run=False),
        ),
    ):
        before = peak_mb()
        started = time.perf_counter()
        try:
            run(SimpleUploadedFile(name, content))
            answer = "imported (!)"
        except Exception as exc:  # noqa: BLE001 - the refusal is the result
            answer = str(getattr(exc, "messages", [exc])[0])[:60]
        elapsed = time.perf_counter() - started
        print(
            f"{label:<34} {len(content) / 1e6:>7.1f}MB {elapsed:>11.2f} {peak_mb() - before:>21.0f}  {answer}"
        )


if __name__ == "__main__":
    main()
