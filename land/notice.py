"""季通报: the per-region progress table as an xlsx workbook (openpyxl), for any date; and the notice itself, drafted
as text and published as a .docx in the usual layout of a government notice (title, 文号, body, ranking table,
the xlsx as its annex). The .docx is written as WordprocessingML with the standard library (no docx package is
installed), which every word processor opens."""

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


# --- the notice: draft text and .docx ----------------------------------------------------------------------


def _names(names) -> str:
    return "、".join(names) if names else _("无")


def draft_title(progress: Progress) -> str:
    return _("关于 %(y)s 年度“批而未用”土地清理处置专项行动进展情况的通报(截至 %(d)s)") % {
        "y": progress.campaign.year,
        "d": progress.as_of.strftime("%Y-%m-%d"),
    }


def draft_body(progress: Progress, proposals) -> str:
    """The notice's text as the product drafts it (the city land bureau edits it before publishing): the city's
    totals and percent, who met and who missed each milestone due by then, the suspended counties, the proposed
    约谈 list. One paragraph a line."""
    totals = progress.totals
    unsupplied, idle = totals["unsupplied"], totals["idle"]
    lines = [
        _("各县(市、区)人民政府,市直有关单位:"),
        _(
            "截至 %(d)s,全市批而未供土地消化任务 %(ut)s 亩,已消化 %(ud)s 亩,完成 %(up)s%%;闲置土地处置任务 "
            "%(it)s 亩,已处置 %(id)s 亩,完成 %(ip)s%%;综合完成率 %(p)s%%。现将各县(市、区)进展情况通报如下。"
        )
        % {
            "d": progress.as_of.strftime("%Y 年 %m 月 %d 日"),
            "ut": unsupplied.task_mu,
            "ud": unsupplied.done_mu,
            "up": unsupplied.percent if unsupplied.percent is not None else "—",
            "it": idle.task_mu,
            "id": idle.done_mu,
            "ip": idle.percent if idle.percent is not None else "—",
            "p": totals["percent"] if totals["percent"] is not None else "—",
        },
    ]
    for index, milestone in enumerate(totals["milestones"]):
        if milestone["due_on"] > progress.as_of:
            continue
        met = [r.region.name for r in progress.regions if r.milestones[index].met]
        lines.append(
            _("%(d)s 时间节点(应完成 %(p)s%%):完成的有 %(met)s;未完成的有 %(missed)s。")
            % {
                "d": milestone["due_on"].strftime("%m 月 %d 日"),
                "p": percent_label(milestone["percent"]),
                "met": _names(met),
                "missed": _names(milestone["missed_regions"]),
            }
        )
    lines.append(
        _(
            "连续 %(n)s 次未按时间节点完成任务、暂停受理建设用地报件(国家重点项目和民生保障项目除外)的:%(names)s。"
        )
        % {"n": progress.campaign.suspend_after_misses, "names": _names(totals["suspended_regions"])}
    )
    lines.append(
        _("拟约谈县(市、区)人民政府主要领导并通报批评的:%(names)s。")
        % {"names": _names([f"{p.region.name}({p.basis_text})" for p in proposals])}
    )
    lines.append(_("各县(市、区)排名见下表,进度明细见附件。"))
    return "\n".join(str(line) for line in lines)


def ranking_rows(progress: Progress) -> list[list[str]]:
    rows = [[_("排名"), _("县(市、区)"), _("批而未供完成率(%)"), _("闲置土地完成率(%)"), _("综合完成率(%)")]]
    for row in sorted(progress.regions, key=lambda r: (r.rank is None, r.rank or 0, r.region.order)):
        rows.append(
            [
                str(row.rank or "—"),
                row.region.name,
                *(str(v) if v is not None else "—" for v in (row.unsupplied.percent, row.idle.percent)),
                str(row.overall_percent) if row.overall_percent is not None else "—",
            ]
        )
    return rows


def notice_docx(*, title: str, document_no: str, body: str, issuer: str, date_line: str, ranking) -> bytes:
    """The notice as a .docx (python-docx) in the layout of a government notice on A4: the 文号 line, the title in
    large bold type, the body paragraphs with a two-character first-line indent, the ranking table, the annex
    line, the issuer and the date on the right."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)  # 三号
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")

    def paragraph(text, *, align=None, bold=False, size=None, indent=False):
        para = document.add_paragraph()
        if align is not None:
            para.alignment = align
        if indent:
            para.paragraph_format.first_line_indent = Pt(32)  # two characters
        run = para.add_run(str(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return para

    paragraph(document_no or _("临自然资〔    〕  号"), align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=22)  # 二号
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        paragraph(line, indent=index > 0)
    table = document.add_table(rows=0, cols=len(ranking[0]) if ranking else 1)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, row in enumerate(ranking):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.bold = index == 0
                run.font.size = Pt(10.5)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(_("附件:各县(市、区)“批而未用”土地清理进度表(xlsx)"))
    paragraph(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(date_line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
