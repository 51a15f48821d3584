"""Blank sheets to fill in, one per import kind: the header row the importer looks for, one example row that
imports cleanly as it stands, and a second sheet 填表说明 with what each column takes. The coordinate exchange
file gets a sample .txt of one parcel (the example parcel of the 宗地清单 template)."""

import io

from django.utils.translation import gettext as _

from .imports import CHOICE_FIELDS, PARCEL_REQUIRED, QUOTA_REQUIRED
from .services import FIELDS_OF_KIND

EXAMPLE_REGION = "尧都区"
EXAMPLE_CODE = "1410022016B09999"
DATE_FORMAT = "2022-05-31"

# key → (header as written, example value, format note). The header is the first text the importer accepts.
QUOTA_TEMPLATE = (
    ("region", "县(市、区)", EXAMPLE_REGION, "text"),
    ("unsupplied_mu", "批而未供土地消化任务(亩)", 684.28, "area"),
    ("idle_mu", "闲置土地处置任务(亩)", 20.238, "area"),
)
# Headers in this order: "位置" before "位置坐标", so each header finds its own column.
PARCEL_TEMPLATE = (
    ("region", "县(市、区)", EXAMPLE_REGION, "text"),
    ("kind", "类型", "批而未供", "choice"),
    ("code", "宗地编号", EXAMPLE_CODE, "text"),
    ("name", "项目(地块)名称", "示例地块(导入前请改为实际地块)", "text"),
    ("location", "位置", "尧都区屯里镇", "text"),
    ("coordinates", "位置坐标", "111.5203,36.0801", "text"),
    ("area_mu", "面积(亩)", 15.0, "area"),
    ("land_use_status", "土地利用现状", "空闲地", "text"),
    ("approval_no", "批准文号", "晋政地字〔2016〕123号", "text"),
    ("approved_on", "批准时间", "2016-08-15", "date"),
    ("expropriation_status", "征收状态", "已完成征收", "choice"),
    ("unsupplied_reason", "未供原因", "规划调整", "text"),
    ("disposal_path", "处置路径", "加快供应", "choice"),
    ("supply_method", "供应方式", "", "choice"),
    ("supplied_on", "供应时间", "", "date"),
    ("land_price_wan", "价款(万元)", "", "money"),
    ("land_use", "用途", "", "text"),
    ("agreed_start_on", "约定开工时间", "", "date"),
    ("actual_start_on", "实际开工时间", "", "date"),
    ("cause", "未开工原因", "", "choice"),
    ("idle_disposal", "处置方式", "", "choice"),
    ("note", "备注", "", "text"),
)


def _format(kind: str) -> str:
    return {
        "text": _("文字"),
        "area": _("数字,单位亩,最多 3 位小数;空白按 0 计"),
        "money": _("数字,单位万元,最多 2 位小数"),
        "date": _("日期,写作 %(d)s(也可写 2022/5/31 或 2022年5月31日)") % {"d": DATE_FORMAT},
        "choice": _("从可选值中选一个,填中文"),
        "bool": _("“是”或“否”,空白为否"),
    }[kind]


def _applies(key: str) -> str:
    if key in FIELDS_OF_KIND["unsupplied"]:
        return _("仅批而未供土地填写")
    if key in FIELDS_OF_KIND["idle"]:
        return _("仅闲置土地填写")
    return ""


def _notes(spec, required, *, extra: dict) -> list[list[str]]:
    rows = []
    for key, header, _example, kind in spec:
        choices = "、".join(str(label) for _value, label in CHOICE_FIELDS.get(key, ()))
        note = "; ".join(n for n in (_applies(key), extra.get(key, "")) if n)
        rows.append([header, _("必填") if key in required else _("选填"), _format(kind), choices, note])
    return rows


def _workbook(title: str, spec, required, *, extra_notes: dict, general: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([header for _key, header, _example, _kind in spec])
    sheet.append([example for _key, _header, example, _kind in spec])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_key, header, _example, _kind) in enumerate(spec):
        sheet.column_dimensions[cell_letter(index)].width = max(12, len(header) * 2 + 2)
    notes = workbook.create_sheet(_("填表说明"))
    notes.append([_("列"), _("是否必填"), _("格式"), _("可选值"), _("说明")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in _notes(spec, required, extra=extra_notes):
        notes.append(row)
    notes.append([])
    for line in general:
        notes.append([line])
    for letter, width in zip("ABCDE", (22, 10, 40, 60, 40), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _general() -> list[str]:
    return [
        _("第 1 行是表头,请勿修改表头文字;第 2 行是示例,请改为实际数据或删除。"),
        _("表头行上方可以加标题行和“单位:亩”行;列的顺序可以调整。"),
        _("任何一行有误时不写入任何数据,页面会列出每一处问题的行号和列。"),
        _("请把公式转换为数值后再导入。"),
    ]


def quota_template() -> bytes:
    return _workbook(
        _("任务分解表"),
        QUOTA_TEMPLATE,
        QUOTA_REQUIRED,
        extra_notes={
            "region": _(
                "县(市、区)名称,如“尧都区”“古县”;名称中的空格会被忽略。“总计”行须与上方各行之和一致,不导入。"
            ),
        },
        general=[*_general(), _("导入时在页面上选择年度;同一县(市、区)再次导入会更新其任务。")],
    )


def parcel_template(region_name: str = EXAMPLE_REGION) -> bytes:
    spec = tuple(
        (key, header, region_name if key == "region" else example, kind)
        for key, header, example, kind in PARCEL_TEMPLATE
    )
    return _workbook(
        _("宗地清单"),
        spec,
        PARCEL_REQUIRED,
        extra_notes={
            "region": _("只能填写您有权导入的县(市、区)"),
            "code": _("宗地编号或电子监管号;同一县(市、区)内唯一,再次导入时按编号更新"),
            "coordinates": _("界址点坐标或中心点坐标的文字说明;界址范围请用“界址坐标”导入"),
            "approved_on": _("批准满 2 年仍未供应的,台账标记“可申请撤回批文”"),
        },
        general=_general(),
    )


def boundary_sample(region_name: str = EXAMPLE_REGION) -> str:
    """A coordinate exchange file of one 100 m × 100 m parcel (15 亩) in 尧都区, CGCS2000, 3° zone 37, metres."""
    lines = [
        "[属性描述]",
        "格式版本号=1.01版本",
        f"数据产生单位={region_name}自然资源局",
        "数据产生日期=2022-05-20",
        "坐标系=2000国家大地坐标系",
        "几度分带=3",
        "投影类型=高斯克吕格",
        "计量单位=米",
        "带号=37",
        "精度=0.001",
        "转换参数=,,,,,,",
        "[地块坐标]",
        f"5,1.0000,{EXAMPLE_CODE},示例地块,面,,,,@",
        "J1,1,3994544.622,37546837.917",
        "J2,1,3994544.622,37546937.917",
        "J3,1,3994644.622,37546937.917",
        "J4,1,3994644.622,37546837.917",
        "J1,1,3994544.622,37546837.917",
    ]
    return "\r\n".join(lines) + "\r\n"
