"""The bar on reapplying after a licence is revoked, as the seed writes it for item 17 (医疗广告审查):

    临政发〔2022〕5 号 附件 第 17 项 加强事中事后监管措施 2.②: "对篡改《医疗广告审查证明》内容发布医疗广告的,及时
    通知医疗广告审查机关按规定撤销《医疗广告审查证明》,并在一年内不受理该医疗机构的广告审批申请。"

The length is data (``Item.reapply_bar_months``: 12 for item 17, 0 = no bar). The period is counted as 《民法典》
第二百零一条、第二百零二条 count periods in years and months: the day of revocation is not counted, the period runs
from the next day, and its last day is the corresponding day of the month it ends in — the month's last day
when that month has no such day. Revoked on 2022-06-10 → barred through 2023-06-10, accepted again from
2023-06-11; revoked on 2024-02-29 → barred through 2025-02-28.
"""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day ``months`` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bar_last_day(revoked_on: datetime.date, months: int) -> datetime.date | None:
    """The last day on which a new application is not accepted; ``None`` when the item has no bar."""
    if months <= 0:
        return None
    return add_months(revoked_on, months)


def is_barred(*, accepted_on: datetime.date, revoked_on: datetime.date, months: int) -> bool:
    """Whether an application accepted on ``accepted_on`` falls in the bar that began with a revocation."""
    last = bar_last_day(revoked_on, months)
    return last is not None and revoked_on <= accepted_on <= last
