"""The procedures of the campaign beside the ledger (临政办发〔2022〕15 号): 挂牌督办 (六(四)), the report deadlines'
documents (实施方案 by 5-15, 总结 by 12-25, the city's report by next year's 1-10) and the 建设用地报件 register with
its suspension (六(五)). Services (``<entity>_<verb>``) and the reads that go with them."""

from .applications import application_register, applications_visible_to, region_suspension
from .reports import deadline_report_submit, report_matrix, report_state, reports_visible_to
from .supervision import (
    supervision_lift,
    supervision_open,
    supervision_report,
    supervisions_of_parcel,
    supervisions_visible_to,
)

__all__ = [
    "application_register",
    "applications_visible_to",
    "deadline_report_submit",
    "region_suspension",
    "report_matrix",
    "report_state",
    "reports_visible_to",
    "supervision_lift",
    "supervision_open",
    "supervision_report",
    "supervisions_of_parcel",
    "supervisions_visible_to",
]
