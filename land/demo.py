"""Demo parcels and disposals (``manage.py seed_demo``; idempotent: existing parcel codes are left alone)."""

import datetime
from decimal import Decimal

from linfen_admin.models import Region, User

from . import services
from .models import Parcel, TaskQuota

D = Decimal
U, ID = Parcel.Kind.UNSUPPLIED, Parcel.Kind.IDLE

# region, code, kind, name, area, extra fields, disposals [(date, area, method)]
DEMO_PARCELS = [
    (
        "尧都区",
        "1410022015B00123",
        U,
        "尧都区 2015 年第 3 批次城镇建设用地 A 地块",
        D("186.420"),
        {
            "approval_no": "晋政地字〔2015〕128 号",
            "approved_on": datetime.date(2015, 9, 18),
            "location": "屯里镇 滨河西路以西",
            "land_use_status": "空闲地",
            "expropriation_status": "done",
            "unsupplied_reason": "基础设施未配套",
            "disposal_path": "accelerate",
            "coordinates": "X=3995210.35, Y=37612430.18",
        },
        [
            (datetime.date(2022, 5, 20), D("80.000"), "accelerate"),
            (datetime.date(2022, 6, 25), D("60.500"), "accelerate"),
        ],
    ),
    (
        "尧都区",
        "1410022017B00411",
        U,
        "尧都区 2017 年第 1 批次 汾河东岸道路绿化带",
        D("52.300"),
        {
            "approval_no": "晋政地字〔2017〕45 号",
            "approved_on": datetime.date(2017, 4, 6),
            "location": "汾河东岸",
            "land_use_status": "已建成道路绿化带",
            "expropriation_status": "done",
            "unsupplied_reason": "代征绿化带未办理划拨",
            "disposal_path": "complete_formalities",
        },
        [(datetime.date(2022, 6, 10), D("52.300"), "complete_formalities")],
    ),
    (
        "尧都区",
        "1410022019B00702",
        U,
        "尧都区 2019 年第 5 批次 工业园区 C-7 地块",
        D("318.000"),
        {
            "approval_no": "晋政地字〔2019〕233 号",
            "approved_on": datetime.date(2019, 11, 2),
            "location": "尧都工业园区",
            "land_use_status": "农用地(未平整)",
            "expropriation_status": "in_progress",
            "unsupplied_reason": "征地拆迁未完成",
            "disposal_path": "withdraw",
        },
        [],
    ),
    (
        "尧都区",
        "1410022016A00215",
        ID,
        "临汾某置业有限公司 商住项目",
        D("64.800"),
        {
            "supply_method": "listing",
            "supplied_on": datetime.date(2016, 8, 12),
            "land_price_wan": D("9850.00"),
            "land_use": "城镇住宅用地",
            "agreed_start_on": datetime.date(2017, 3, 1),
            "cause": "enterprise",
            "idle_disposal": "idle_fee",
            "location": "鼓楼南大街东侧",
        },
        [(datetime.date(2022, 7, 15), D("30.000"), "idle_fee")],
    ),
    (
        "尧都区",
        "1410022018A00098",
        ID,
        "山西某物流有限公司 仓储项目",
        D("45.230"),
        {
            "supply_method": "listing",
            "supplied_on": datetime.date(2018, 5, 30),
            "land_price_wan": D("1830.50"),
            "land_use": "仓储用地",
            "agreed_start_on": datetime.date(2018, 11, 30),
            "cause": "government",
            "idle_disposal": "improve_conditions",
        },
        [],
    ),
    (
        "洪洞县",
        "1410242014B00031",
        U,
        "洪洞县 2014 年第 2 批次城镇建设用地",
        D("120.650"),
        {
            "approval_no": "晋政地字〔2014〕77 号",
            "approved_on": datetime.date(2014, 6, 20),
            "location": "大槐树镇",
            "land_use_status": "空闲地",
            "expropriation_status": "done",
            "unsupplied_reason": "规划调整",
            "disposal_path": "re_tender",
        },
        [(datetime.date(2022, 6, 28), D("100.000"), "re_tender")],
    ),
    (
        "洪洞县",
        "1410242018B00310",
        U,
        "洪洞县 2018 年第 4 批次 甘亭产业园",
        D("175.000"),
        {
            "approval_no": "晋政地字〔2018〕190 号",
            "approved_on": datetime.date(2018, 10, 15),
            "location": "甘亭镇",
            "expropriation_status": "done",
            "unsupplied_reason": "招商项目未落地",
            "disposal_path": "accelerate",
        },
        [(datetime.date(2022, 9, 20), D("60.000"), "accelerate")],
    ),
    (
        "洪洞县",
        "1410242019A00044",
        ID,
        "洪洞县某食品有限公司 厂房项目",
        D("15.710"),
        {
            "supply_method": "agreement",
            "supplied_on": datetime.date(2019, 3, 8),
            "land_price_wan": D("610.00"),
            "land_use": "工业用地",
            "agreed_start_on": datetime.date(2019, 9, 8),
            "cause": "dispute",
            "idle_disposal": "upload_evidence",
        },
        [],
    ),
    (
        "曲沃县",
        "1410212016B00052",
        U,
        "曲沃县 2016 年第 1 批次",
        D("90.120"),
        {
            "approval_no": "晋政地字〔2016〕31 号",
            "approved_on": datetime.date(2016, 3, 2),
            "disposal_path": "accelerate",
            "expropriation_status": "done",
        },
        [(datetime.date(2022, 6, 30), D("90.120"), "accelerate")],
    ),
    (
        "翼城县",
        "1410222017A00012",
        ID,
        "翼城县某建材有限公司 项目",
        D("14.090"),
        {
            "supply_method": "listing",
            "supplied_on": datetime.date(2017, 6, 1),
            "land_price_wan": D("420.00"),
            "land_use": "工业用地",
            "agreed_start_on": datetime.date(2017, 12, 1),
            "actual_start_on": datetime.date(2022, 8, 1),
            "cause": "no_permit",
            "idle_disposal": "urge_permit",
        },
        [(datetime.date(2022, 8, 5), D("14.090"), "urge_permit")],
    ),
    (
        "市本级",
        "1410002015B00007",
        U,
        "市本级 2015 年 城市道路代征地",
        D("210.000"),
        {
            "approval_no": "晋政地字〔2015〕66 号",
            "approved_on": datetime.date(2015, 5, 12),
            "location": "滨河东路",
            "disposal_path": "complete_formalities",
            "expropriation_status": "done",
        },
        [
            (datetime.date(2022, 5, 30), D("150.000"), "complete_formalities"),
            (datetime.date(2022, 9, 10), D("60.000"), "complete_formalities"),
        ],
    ),
]


# How far along each region is, so the dashboard shows a realistic mix: share of its quota disposed by each date.
PROFILES = {
    "ahead": [((6, 20), "0.55"), ((9, 20), "0.30"), ((11, 25), "0.20")],  # meets all three, over-completes
    "on_track": [((6, 28), "0.50"), ((9, 28), "0.30"), ((11, 20), "0.10")],  # misses only 100 %
    "lagging": [((6, 29), "0.52"), ((9, 15), "0.10"), ((11, 28), "0.20")],  # misses 80 % and 100 %: suspended
    "behind": [((6, 30), "0.30"), ((9, 30), "0.20")],  # misses 50 % and 80 %: suspended
}
PROFILE_ORDER = ["ahead", "on_track", "lagging", "on_track", "behind", "ahead"]
KIND_SUFFIX = {U: ("B", "历年批次汇总地块", "accelerate"), ID: ("A", "闲置地块汇总", "idle_fee")}


def _generated_parcels():
    """One summary parcel per region and task kind, sized from the 2022 quota, disposed per the region's profile."""
    quotas = TaskQuota.objects.filter(campaign__year=2022).select_related("region").order_by("region__order")
    for index, quota in enumerate(quotas):
        profile = PROFILES[PROFILE_ORDER[index % len(PROFILE_ORDER)]]
        for kind, task in ((U, quota.unsupplied_mu), (ID, quota.idle_mu)):
            if not task:
                continue
            letter, label, method = KIND_SUFFIX[kind]
            area = (task * D("1.1")).quantize(D("0.001"))
            records = [
                (datetime.date(2022, month, day), (task * D(share)).quantize(D("0.001")), method)
                for (month, day), share in profile
            ]
            extra = (
                {
                    "approved_on": datetime.date(2016, 5, 1),
                    "approval_no": "晋政地字〔2016〕演示号",
                    "disposal_path": "accelerate",
                    "expropriation_status": "done",
                }
                if kind == U
                else {
                    "supply_method": "listing",
                    "supplied_on": datetime.date(2017, 5, 1),
                    "land_price_wan": D("1200.00"),
                    "agreed_start_on": datetime.date(2017, 11, 1),
                    "cause": "enterprise",
                    "idle_disposal": "idle_fee",
                    "land_use": "工业用地",
                }
            )
            yield (
                quota.region.name,
                f"{quota.region.code}2016{letter}9{index:04d}",
                kind,
                f"{quota.region.name} {label}",
                area,
                extra,
                records,
            )


def load_land_demo() -> dict:
    actor = (
        User.objects.filter(username="city_land").first() or User.objects.filter(is_superuser=True).first()
    )
    regions = {r.name: r for r in Region.objects.all()}
    created = disposals = 0
    for region_name, code, kind, name, area, extra, records in [*DEMO_PARCELS, *_generated_parcels()]:
        region = regions[region_name]
        if Parcel.objects.filter(region=region, code=code).exists():
            continue
        parcel = services.parcel_create(
            actor=actor,
            data={"region": region, "kind": kind, "code": code, "name": name, "area_mu": area, **extra},
        )
        created += 1
        for disposed_on, disposed_area, method in records:
            services.disposal_record(
                actor=actor,
                parcel=parcel,
                disposed_on=disposed_on,
                area_mu=disposed_area,
                method=method,
                document=f"{region_name}自然资源局处置决定",
                note="演示数据",
            )
            disposals += 1
    return {"演示宗地": created, "演示处置记录": disposals}
