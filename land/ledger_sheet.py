"""The ledger as a sheet: one list of columns for the streamed xlsx export and the background export job."""

from django.utils.translation import gettext as _


def ledger_sheet(parcels) -> tuple[list, object]:
    """(headers, rows) of the (filtered, scoped, ordered) ``parcels``, rows read 2,000 at a time."""
    headers = [
        _("县(市、区)"),
        _("类型"),
        _("宗地编号"),
        _("项目名称"),
        _("位置"),
        _("面积(亩)"),
        _("已处置(亩)"),
        _("处置状态"),
        _("挂牌督办"),
        _("批准文号"),
        _("批准时间"),
        _("约定开工时间"),
        _("未开工原因"),
        _("价款(万元)"),
    ]
    yes, no = _("是"), _("否")
    rows = (
        [
            parcel.region.name,
            parcel.get_kind_display(),
            parcel.code,
            parcel.name,
            parcel.location,
            str(parcel.area_mu),
            str(parcel.disposed_mu),
            parcel.get_status_display(),
            yes if parcel.supervised else no,
            parcel.approval_no,
            parcel.approved_on,
            parcel.agreed_start_on,
            parcel.get_cause_display(),
            None if parcel.land_price_wan is None else str(parcel.land_price_wan),
        ]
        for parcel in parcels.iterator(chunk_size=2000)
    )
    return headers, rows
