"""Province scale: generate the data once, then measure every figure of issue 11 beside its raw SQL baseline.

    DATABASE_URL=postgres://…/anything .venv/bin/python bench/province/run.py all \
        [--parcels 1000000] [--regions 1000] [--applications 200000] [--cases 1000000] [--repeat 5] [--slow]

``generate`` (re)creates the database ``linfen_bench`` beside the one DATABASE_URL names, migrates it, loads the seed
and the demo cast, and COPYs the rows (a few minutes at full size); ``measure`` prints one table — each figure, its
median after a warm-up, its target, the raw baseline measured in the same run and the ratio; ``all`` does both.
Exports, the import and the reminder sweep (the real one, first run and rerun, rolled back afterwards) run in a
child process each, so their peak memory is their own (``--slow`` adds the dry run of the sweep and the
1,000,000-row export). Not part of the test suite.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BENCH_DB = "linfen_bench"
YEAR = 2022
AS_OF = "2022-09-30"


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def setup_django():
    os.environ["DATABASE_URL"] = bench_url(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.test")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def generate(options) -> None:
    import psycopg

    admin_url = os.environ["DATABASE_URL"]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import override_settings

    from bench.province import generate as data
    from linfen_admin.models import User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with override_settings(DEBUG=True):  # the demo cast refuses to load outside development
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    actor = User.objects.get(username="city_land")
    print(f"schema, seed and demo: {time.perf_counter() - started:.0f} s")
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        step = time.perf_counter()
        regions = data.add_regions(raw, options.regions)
        counts = data.add_land(
            raw, regions=regions, parcels=options.parcels, year=YEAR, actor_id=actor.pk, seed=options.seed
        )
        print(f"{len(regions)} regions, {counts}: {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        applications = data.add_applications(
            raw, regions=regions, count=options.applications, actor_id=actor.pk, seed=options.seed
        )
        cases = data.add_cases(
            raw, regions=regions, count=options.cases, actor_id=actor.pk, seed=options.seed
        )
        print(f"{applications} applications, {cases} cases: {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    from land import totals

    print(f"running totals rebuilt {totals.rebuild()}: {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    from subsidies import stagetotals

    print(
        f"subsidy stage totals rebuilt ({stagetotals.rebuild()} groups): {time.perf_counter() - step:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


def _timed(function, repeat: int) -> tuple[float, object]:
    function()  # warm-up
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def _sql(statement: str, params=()):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    return run


def _child(figure: str) -> dict:
    """Run one heavy figure in a fresh process: its time and its own peak memory."""
    env = dict(os.environ)
    output = subprocess.run(
        [sys.executable, __file__, "child", figure], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(figure: str) -> None:
    setup_django()
    from django.test import Client

    from linfen_admin.models import User

    started = time.perf_counter()
    if figure.startswith("export"):
        client = Client()
        username = "yaodu_land" if figure == "export-county" else "city_land"
        client.force_login(User.objects.get(username=username))
        response = client.get("/land/parcels/export.xlsx", {"as_of": AS_OF})
        size = sum(
            len(chunk) for chunk in (response.streaming_content if response.streaming else [response.content])
        )
        detail = f"{size / 1e6:.1f} MB"
    elif figure == "reminders-dry":
        from django.core.management import call_command

        call_command("send_reminders", "--dry-run", verbosity=0)
        detail = ""
    elif figure == "reminders":
        started, detail = _sweep()  # the first sweep; the rerun and the counts go into the detail
    elif figure in ("import", "import-write", "bulk-create"):
        started, detail = _import(figure)  # the time of the import alone, not of building the sheet
    else:
        raise SystemExit(f"unknown figure {figure}")
    peak_mb = _peak_rss_mb()
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb, "detail": detail}))


def _sweep() -> tuple[float, str]:
    """The real sweep over all of it (as of today: every open case of four years is overdue), each batch committed
    as in production, then the same sweep again (everything already sent); afterwards what they wrote, and the
    staff added for them, is deleted, so the bench database stays as generated."""
    from django.db import connection

    from linfen_admin.models import SweepRun
    from linfen_admin.reminders import run_reminders

    staff = _staff_everywhere()
    last_notice = _max_id("linfen_admin_notification")
    last_run = SweepRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        started = time.perf_counter()
        first = run_reminders()
        first_seconds = time.perf_counter() - started
        rerun_started = time.perf_counter()
        again = run_reminders()
        rerun_seconds = time.perf_counter() - rerun_started
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM linfen_admin_outboxitem WHERE notification_id > %s; "
                "DELETE FROM linfen_admin_notification WHERE id > %s",
                [last_notice, last_notice],
            )
        SweepRun.objects.filter(pk__gt=last_run).delete()
        _remove_staff()
    reminders = sum(rule.reminders for rule in first.rules)
    detail = (
        f"{staff:,} staff added; {reminders:,} reminders, {first.created:,} notices, {first.emails:,} e-mails; "
        f"rerun {rerun_seconds:.1f} s, {again.created} new; errors {first.errors or 'none'}"
    )
    return time.perf_counter() - first_seconds, detail


def _max_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def _remove_staff() -> None:
    from linfen_admin.models import EmailOutbox, User

    bench_staff = User.objects.filter(username__startswith="bench-")
    EmailOutbox.objects.filter(recipient__in=bench_staff).delete()
    User.groups.through.objects.filter(user__in=bench_staff).delete()
    bench_staff.delete()


def _staff_everywhere() -> int:
    """A fully staffed province: a county land clerk and a county industry clerk in every region and an approval
    officer in every department that has none (the demo cast staffs only Linfen's), so that every reminder has
    someone to reach. Returns how many users were added."""
    from django.contrib.auth.models import Group

    from linfen_admin.models import Department, Region, User
    from linfen_admin.roles import GROUP_NAMES, Role

    wanted = []
    for region_id in Region.objects.values_list("pk", flat=True):
        wanted += [(Role.COUNTY_LAND, region_id, None), (Role.COUNTY_INDUSTRY, region_id, None)]
    for department_id in Department.objects.values_list("pk", flat=True):
        wanted.append((Role.APPROVAL_OFFICER, None, department_id))
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-{role}-{region_id or ''}-{department_id or ''}",
                password="!",  # unusable
                region_id=region_id,
                department_id=department_id,
                email=f"bench{index}@example.gov.cn",
                is_active=True,
            )
            for index, (role, region_id, department_id) in enumerate(wanted)
        ]
    )
    groups = {role: Group.objects.get(name=GROUP_NAMES[role]) for role, _r, _d in wanted}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=user.pk, group_id=groups[role].pk)
            for user, (role, _r, _d) in zip(users, wanted, strict=True)
        ]
    )
    return len(users)


def _peak_rss_mb() -> float:
    """The process's own high-water mark (VmHWM starts afresh at exec; ``ru_maxrss`` would carry the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


IMPORT_ROWS = 100_000


def _import(figure: str) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from bench.land_import import build_sheet
    from land import imports
    from land.models import Parcel
    from linfen_admin.models import Region, User

    actor = User.objects.get(username="city_land")
    data = build_sheet(IMPORT_ROWS, "xlsx")
    if figure == "import":
        upload = SimpleUploadedFile("bench.xlsx", data)
        started = time.perf_counter()
        result = imports.parcel_import(actor=actor, upload=upload, dry_run=True)
        elapsed = time.perf_counter() - started
        return started, f"{result.rows / elapsed:,.0f} rows/s (validated, dry run)"
    if figure == "import-write":  # the same sheet validated and written (audit, counts), then rolled back
        upload = SimpleUploadedFile("bench.xlsx", data)
        started = time.perf_counter()
        with transaction.atomic():
            result = imports.parcel_import(actor=actor, upload=upload, dry_run=False)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return started, f"{result.rows / elapsed:,.0f} rows/s (validated and written, rolled back)"
    region = Region.objects.get(name="尧都区")
    started = time.perf_counter()
    with transaction.atomic():
        Parcel.objects.bulk_create(
            (
                Parcel(
                    region=region,
                    kind="unsupplied",
                    code=f"BULK{n:07d}",
                    name=f"地块{n}",
                    area_mu=n % 500 + 1,
                )
                for n in range(IMPORT_ROWS)
            ),
            batch_size=2000,
        )
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    return started, f"{IMPORT_ROWS / elapsed:,.0f} rows/s (plain bulk_create)"


def measure(options) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from land.models import Parcel
    from linfen_admin.models import Region, User

    clients = {}

    def client_for(username):
        if username not in clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            clients[username] = client
        return clients[username]

    def page(username, path, **params):
        def run():
            with CaptureQueriesContext(connection) as queries:
                response = client_for(username).get(path, params)
            assert response.status_code == 200, (path, params, response.status_code)
            return len(queries)

        return run

    def ledger(label, **params):
        """A city user's ledger page with ``params``: a figure with the ledger's target and no baseline."""
        return label, page("city_land", "/land/parcels/", **params), 0.2, None

    from approvals.models import Case
    from subsidies.models import Application

    parcels = Parcel.objects.count()
    applications, cases = Application.objects.count(), Case.objects.count()
    yaodu = Region.objects.get(name="尧都区")
    county_parcels = Parcel.objects.filter(region=yaodu).count()
    last, middle, county_last = -(-parcels // 50), -(-parcels // 100), -(-county_parcels // 50)
    idle_last = -(-Parcel.objects.filter(kind=Parcel.Kind.IDLE).count() // 50)
    pending_last = -(-Parcel.objects.filter(status=Parcel.Status.PENDING).count() // 50)
    offset, county_offset = (last - 1) * 50, (county_last - 1) * 50
    figures = [
        # label, measured callable, target (s), baseline callable or None
        (
            "progress API, all regions",
            page("city_land", "/api/v1/land/progress/", year=YEAR, as_of=AS_OF),
            0.3,
            _sql(
                "SELECT p.region_id, p.kind, sum(d.area_mu) FROM land_disposalrecord d "
                "JOIN land_parcel p ON p.id = d.parcel_id WHERE d.disposed_on <= %s GROUP BY 1, 2",
                [AS_OF],
            ),
        ),
        ("land dashboard page", page("city_land", "/land/progress/", year=YEAR, as_of=AS_OF), 0.3, None),
        ("cockpit", page("leader", "/cockpit/", as_of=AS_OF), 0.3, None),
        ("workbench (panels)", page("city_land", "/", workbench=1), 0.3, None),
        ("ledger page 1 (city)", page("city_land", "/land/parcels/"), 0.2, None),
        ("ledger middle page (city)", page("city_land", "/land/parcels/", page=middle), 0.2, None),
        (
            "ledger last page (city)",
            page("city_land", "/land/parcels/", page=last),
            0.2,
            _sql("SELECT id FROM land_parcel ORDER BY id LIMIT 50 OFFSET %s", [offset]),
        ),
        ("API parcel list, last page", page("city_land", "/api/v1/land/parcels/", page=last), 0.2, None),
        (
            "ledger sorted by disposed area",
            page("city_land", "/land/parcels/", ordering="-disposed_mu"),
            0.2,
            None,
        ),
        ("ledger sorted by area", page("city_land", "/land/parcels/", ordering="-area_mu"), 0.2, None),
        ("ledger search q", page("city_land", "/land/parcels/", q="地块4711"), 0.2, None),
        ledger("ledger search of two characters (闲置, 40 %)", q="闲置"),
        ledger("ledger filtered by kind (闲置), last page", kind="idle", page=idle_last),
        ledger(
            "ledger filtered by status (待处置), last page", status=Parcel.Status.PENDING, page=pending_last
        ),
        ledger("ledger, city picks 尧都区, last page", region="尧都区", page=county_last),
        ledger("ledger flag 挂牌督办", flag="supervised"),
        ledger("ledger flag 应无偿收回, as of a past date", flag="reclaim_due", as_of=AS_OF),
        ledger("ledger flag 可申请撤回批文", flag="withdrawal_eligible"),
        ledger("ledger flag 可申请撤回批文, as of a past date", flag="withdrawal_eligible", as_of=AS_OF),
        ledger("ledger search of one character (号, every parcel)", q="号"),
        ledger("ledger search of two characters, no match", q="Zq"),
        (
            f"county clerk ledger last page ({county_parcels:,} parcels)",
            page("yaodu_land", "/land/parcels/", page=county_last),
            0.2,
            _sql(
                "SELECT id FROM land_parcel WHERE region_id = %s ORDER BY id LIMIT 50 OFFSET %s",
                [yaodu.pk, county_offset],
            ),
        ),
        (
            "quarterly notice xlsx",
            page("city_land", "/land/progress/notice.xlsx", year=YEAR, as_of=AS_OF),
            1.0,
            None,
        ),
        ("subsidies application list", page("city_industry", "/subsidies/"), 0.2, None),
        (
            "subsidies application list, last page",
            page("leader", "/subsidies/", page=-(-applications // 30)),
            0.2,
            None,
        ),
        ("approvals case list", page("city_approval", "/approvals/cases/"), 0.2, None),
        (
            "approvals case list, last page (all cases)",
            page("leader", "/approvals/cases/", page=-(-cases // 50)),
            0.2,
            None,
        ),
        (
            "ledger sorted by 编号, last page",
            page("city_land", "/land/parcels/", ordering="code", page=last),
            0.2,
            None,
        ),
    ]
    if options.only:
        figures = [figure for figure in figures if options.only in figure[0]]
    rows = []
    for label, run, target, baseline in figures:
        seconds, queries = _timed(run, options.repeat)
        base = _timed(baseline, options.repeat)[0] if baseline else None
        rows.append((label, seconds, target, base, f"{queries} queries"))
        _print_row(*rows[-1])
    heavy = [
        ("ledger xlsx, one county", "export-county", None),
        ("parcel import 100,000 rows", "import", None),
        ("parcel import 100,000 rows, written", "import-write", None),
        ("send_reminders (first sweep, all rules)", "reminders", 60),
    ]
    if options.slow:
        heavy += [
            ("ledger xlsx, all (city)", "export-all", None),
            ("send_reminders --dry-run", "reminders-dry", 60),
        ]
    if options.only:
        heavy = [figure for figure in heavy if options.only in figure[0]]
    bulk = _child("bulk-create") if any(figure.startswith("import") for _, figure, _ in heavy) else None
    for label, figure, target in heavy:
        result = _child(figure)
        base = bulk["seconds"] if bulk and figure.startswith("import") else None
        rows.append(
            (label, result["seconds"], target, base, f"{result['peak_mb']:.0f} MB peak {result['detail']}")
        )
        _print_row(*rows[-1])


def _print_row(label, seconds, target, base, note):
    ratio = f"{seconds / base:5.1f}×" if base else "     —"
    target_text = f"< {target * 1000:.0f} ms" if target else "—"
    base_text = f"{base * 1000:9.0f} ms" if base else "        —"
    print(
        f"{label:<48} {seconds * 1000:9.0f} ms  {target_text:>10}  {base_text}  {ratio}  {note}", flush=True
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "measure", "all", "child"])
    parser.add_argument("figure", nargs="?")
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--regions", type=int, default=1000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--slow", action="store_true")
    parser.add_argument("--only", default="", help="measure only the figures whose label contains this text")
    options = parser.parse_args()
    if options.command == "child":
        child(options.figure)
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server (the bench creates its own database there)")
    if options.command in ("generate", "all"):
        generate(options)
    if options.command in ("measure", "all"):
        measure(options)


if __name__ == "__main__":
    main()
