"""季通报: the per-region progress table as an xlsx workbook (openpyxl), for any date."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from linfen_admin.exports import inert_row

from .rules import percent_label
from .selectors import Progress


def _num(value):
    """Decimals go into the sheet as they are: openpyxl writes a ``Decimal`` as a number cell from its text."""
    return value


def _met_label(met) -> str:
    return {True: _("已完成"), False: _("未完成"), None: _("未到期")}[met]


def notice_workbook(progress: Progress) -> bytes:
    campaign = progress.campaign
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("季通报")
    milestone_headers = [
        _("%(d)s 节点(%(p)s%%)") % {"d": m.due_on.strftime("%m-%d"), "p": percent_label(m.percent)}
        for m in (progress.regions[0].milestones if progress.regions else [])
    ]
    headers = [
        _("排名"),
        _("县(市、区)"),
        _("批而未供任务(亩)"),
        _("已消化(亩)"),
        _("完成率(%)"),
        _("闲置土地任务(亩)"),
        _("已处置(亩)"),
        _("完成率(%)"),
        _("综合完成率(%)"),
        *milestone_headers,
        _("连续未完成次数"),
        _("暂停受理报件"),
        _("超额奖励计划指标(亩)"),
    ]
    sheet.append(
        [
            _("临汾市 %(y)s 年度“批而未用”土地清理进度通报(截至 %(d)s)")
            % {"y": campaign.year, "d": progress.as_of.isoformat()}
        ]
    )
    sheet.append([_("单位:亩")])
    sheet.append(headers)
    for row in sorted(progress.regions, key=lambda r: (r.rank is None, r.rank or 0, r.region.order)):
        sheet.append(
            inert_row(
                [
                    row.rank,
                    row.region.name,
                    _num(row.unsupplied.task_mu),
                    _num(row.unsupplied.done_mu),
                    _num(row.unsupplied.percent),
                    _num(row.idle.task_mu),
                    _num(row.idle.done_mu),
                    _num(row.idle.percent),
                    _num(row.overall_percent),
                    *[_met_label(m.met) for m in row.milestones],
                    row.consecutive_misses,
                    _("是") if row.suspended else _("否"),
                    _num(row.bonus_mu),
                ]
            )
        )
    totals = progress.totals
    sheet.append(
        [
            None,
            _("合计"),
            _num(totals["unsupplied"].task_mu),
            _num(totals["unsupplied"].done_mu),
            _num(totals["unsupplied"].percent),
            _num(totals["idle"].task_mu),
            _num(totals["idle"].done_mu),
            _num(totals["idle"].percent),
            _num(totals["percent"]),
            *["" for _m in milestone_headers],
            None,
            len(totals["suspended_regions"]),
            _num(totals["bonus_mu"]),
        ]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in sheet.iter_rows(min_row=4, min_col=3, max_col=9):
        for cell in row:
            cell.number_format = "0.00" if cell.column in (5, 8, 9) else "0.000"
    sheet.column_dimensions["B"].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
