"""The land module's background jobs (``linfen_admin.jobs``): the ledger export and the confirmation of a long
import, each with a progress bar. They call the same selectors and services as the pages."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin import jobs
from linfen_admin.lists import write_xlsx
from linfen_admin.registry import JobKind

from . import selectors, staging
from .filtersets import ParcelFilterSet
from .geometry import GeometryInvalid
from .ledger_sheet import ledger_sheet
from .params import parse_as_of
from .sheets import SheetInvalid

PARCEL_EXPORT = "land.parcel_export"
IMPORT_CONFIRM = "land.import_confirm"


def run_parcel_export(job, report) -> jobs.JobOutcome:
    """The ledger as the owner filtered it (``params["query"]`` is the list's query string), scoped to the
    owner, written row by row to a file of the job."""
    query = QueryDict(job.params.get("query", ""))
    as_of = parse_as_of(query.get("as_of"))
    request = SimpleNamespace(user=job.owner, GET=query)
    filterset = ParcelFilterSet(
        query or None,
        queryset=selectors.parcels_visible_to(job.owner, as_of=as_of),
        request=request,
        as_of=as_of,
    )
    if filterset.is_bound and not filterset.is_valid():
        raise jobs.JobFailed(_("筛选条件有误,请回到台账重新筛选后导出。"))
    parcels = filterset.qs
    total = parcels.count()
    headers, rows = ledger_sheet(parcels)

    def counted():
        for number, row in enumerate(rows, start=1):
            if number % 2000 == 0:
                report(number, total)
            yield row
        report(total, total)

    path = jobs.new_file_path(".xlsx")
    write_xlsx(path, _("宗地台账"), headers, counted())
    return jobs.JobOutcome(
        message=_("已导出 %(n)s 宗地。") % {"n": total},
        file_name=f"parcels-{as_of.isoformat()}.xlsx",
        file_path=path,
    )


def run_import_confirm(job, report) -> jobs.JobOutcome:
    """确认导入 of a staged file, as the import page would do it: all rows or none."""
    try:
        kind, result = staging.confirm_import(
            actor=job.owner, token=job.params.get("token", ""), report=report
        )
    except staging.StagedNotFound as exc:
        raise jobs.JobFailed(_("没有待确认的导入,或已导入、已过期。")) from exc
    except SheetInvalid as exc:
        details = [_("第 %(row)s 行 %(column)s:%(message)s") % error.as_dict() for error in exc.errors]
        raise jobs.JobFailed(_("文件有 %(n)s 处错误,未导入任何数据。") % {"n": exc.total}, details) from exc
    except GeometryInvalid as exc:
        raise jobs.JobFailed(_("坐标文件有误,未导入。"), [str(problem) for problem in exc.problems]) from exc
    except ValidationError as exc:
        raise jobs.JobFailed(";".join(exc.messages)) from exc
    if kind == "boundary":
        return jobs.JobOutcome(message=_("界址坐标已导入:共 %(n)s 宗地。") % {"n": result.parcels})
    return jobs.JobOutcome(
        message=_("导入完成:共 %(rows)s 行,新增 %(created)s,更新 %(updated)s。") % result.as_dict()
    )


JOB_KINDS = [
    JobKind(PARCEL_EXPORT, gettext_lazy("宗地台账导出"), "land.view_parcel", run_parcel_export),
    JobKind(IMPORT_CONFIRM, gettext_lazy("导入宗地台账"), "land.add_parcel", run_import_confirm),
]
