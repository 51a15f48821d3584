"""The seed loader: the 2022 campaign and 附件 2 exactly, idempotent; the demo loader; the sample sheets."""

from decimal import Decimal

from land.models import Campaign, DisposalRecord, Milestone, Parcel, Phase, ReportDeadline, TaskQuota
from linfen_admin.registry import registry

D = Decimal

# 附件 2 as printed in the gazette (seed lines ~3840–3888), in its order; blank = 0.
GAZETTE = [
    ("市本级", "684.28", "97.56"),
    ("临汾开发区", "220.25", "25.90"),
    ("尧都区", "1289.35", "210.03"),
    ("曲沃县", "168.69", "20.238"),
    ("翼城县", "195.13", "14.09"),
    ("襄汾县", "358.76", "0"),
    ("洪洞县", "295.65", "15.71"),
    ("古县", "3.60", "0"),
    ("安泽县", "239.54", "0"),
    ("浮山县", "322.92", "0"),
    ("吉县", "87.83", "0"),
    ("乡宁县", "72.96", "0"),
    ("大宁县", "51.60", "0"),
    ("隰县", "46.48", "0"),
    ("永和县", "328.52", "0"),
    ("蒲县", "34.80", "0"),
    ("汾西县", "293.44", "0"),
    ("侯马市", "280.23", "0"),
    ("霍州市", "173.30", "0"),
]


def load_all():
    for loader in registry.seed_loaders:
        loader.load()


def test_seed_loads_the_campaign_and_table_exactly_and_twice_is_harmless(seeded):
    load_all()
    load_all()
    campaign = Campaign.objects.get(year=2022)
    assert campaign.document_no == "临政办发〔2022〕15 号"
    quotas = TaskQuota.objects.filter(campaign=campaign).order_by("region__order")
    assert [(q.region.name, q.unsupplied_mu, q.idle_mu) for q in quotas] == [
        (name, D(u), D(i)) for name, u, i in GAZETTE
    ]
    assert sum(q.unsupplied_mu for q in quotas) == D("5147.33")
    assert sum(q.idle_mu for q in quotas) == D("383.528")
    assert [(str(m.due_on), m.percent) for m in Milestone.objects.all()] == [
        ("2022-06-30", D("50")),
        ("2022-09-30", D("80")),
        ("2022-11-30", D("100")),
    ]
    assert [
        (p.name, str(p.starts_on), str(p.ends_on)) for p in Phase.objects.order_by("starts_on", "ends_on")
    ] == [
        ("安排部署", "2022-04-25", "2022-05-10"),
        ("清理处置", "2022-05-11", "2022-11-30"),
        ("督促检查", "2022-06-01", "2022-11-30"),
        ("总结提高", "2022-12-01", "2022-12-31"),
    ]
    assert [str(r.due_on) for r in ReportDeadline.objects.all()] == ["2022-05-15", "2022-12-25", "2023-01-10"]
    assert (Campaign.objects.count(), Phase.objects.count(), TaskQuota.objects.count()) == (1, 4, 19)


def test_sample_sheets_match_the_fixture():
    import csv
    from pathlib import Path

    from openpyxl import load_workbook

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    rows = list(load_workbook(fixtures / "land_quota_2022_sample.xlsx").active.iter_rows(values_only=True))
    assert rows[1][0] == "单位:亩" and rows[2] == ("县(市、区)", "批而未供土地消化任务", "闲置土地处置任务")
    assert rows[10][0] == "古\u3000 县" and rows[-1][0] == "总\u3000 计"
    assert [r[0].replace("\u3000", "").replace(" ", "") for r in rows[3:-1]] == [g[0] for g in GAZETTE]
    with open(fixtures / "land_quota_2022_sample.csv", encoding="utf-8-sig") as handle:
        text_rows = list(csv.reader(handle))
    assert text_rows[3] == ["市本级", "684. 28", "97. 56"]
    assert text_rows[-1] == ["总\u3000 计", "5,147.33", "383. 528"]


def test_demo_loader_is_idempotent(users, land):
    loader = next(item for item in registry.demo_loaders if item.name == "land")
    first = loader.load()
    assert first["演示宗地"] >= 10
    assert set(Parcel.objects.values_list("region__name", flat=True)) >= {
        "尧都区",
        "洪洞县",
        "曲沃县",
        "市本级",
    }
    records = DisposalRecord.objects.count()
    assert loader.load() == {"演示宗地": 0, "演示处置记录": 0}
    assert DisposalRecord.objects.count() == records
