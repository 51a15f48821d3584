"""Ledger filters. django-filter ignores unknown parameters, so it always filters an already scoped queryset."""

import datetime
import json

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region

from . import rules, selectors
from .models import Parcel
from .params import parse_as_of

SEARCH_COLUMNS = ("code", "name", "location", "approval_no")
SEARCH_COUNT_AT_MOST = 10_000  # 200 pages
# A short search expected to match more rows than this walks the ledger's order (the page fills from its first rows)
# instead of reading every match from the index of short pieces.
SHORT_SEARCH_DENSE_ROWS = 100_000
STALE_DAYS = 30  # a parcel not yet disposed of and not updated for this long is 长期未更新

FLAG_CHOICES = [
    ("supervised", _("挂牌督办")),
    ("stale", _("超过 30 天未更新")),
    ("idle_fee_due", _("应征缴闲置费")),
    ("reclaim_due", _("应无偿收回")),
    ("withdrawal_eligible", _("可申请撤回批文")),
]


def flag_q(flag: str, as_of: datetime.date) -> Q:
    """The SQL form of the rules' flags (equivalence with ``rules`` is tested day by day)."""
    if flag == "supervised":
        return Q(supervised=True)
    if flag == "stale":
        cutoff = datetime.datetime.combine(as_of - datetime.timedelta(days=STALE_DAYS), datetime.time.min)
        return ~Q(status=Parcel.Status.DONE) & Q(updated_at__lt=timezone.make_aware(cutoff))
    not_started = Q(actual_start_on__isnull=True) | Q(actual_start_on__gt=as_of)
    enterprise_idle = Q(kind=Parcel.Kind.IDLE, cause=Parcel.Cause.ENTERPRISE) & not_started
    if flag == "idle_fee_due":
        return enterprise_idle & Q(agreed_start_on__lt=rules.start_bound(as_of, 1))
    if flag == "reclaim_due":
        return enterprise_idle & Q(agreed_start_on__lt=rules.start_bound(as_of, 2))
    if flag == "withdrawal_eligible":
        # ≥ 2 years ⇔ more than 2 years as seen the next day (no record sums: see ``left``).
        approved = Q(
            approved_on__gte=datetime.date(rules.WITHDRAWAL_SINCE_YEAR, 1, 1),
            approved_on__lt=rules.start_bound(as_of + datetime.timedelta(days=1), 2),
            approved_by__in=rules.WITHDRAWAL_AUTHORITIES,
        )
        # Something is left as of ``as_of`` if something is left today (records only add up), or if a parcel
        # disposed of in full by now has a record after that date (no record is dated after today).
        left = Q(disposed_total_mu__lt=F("area_mu")) | Q(last_disposed_on__gt=as_of)
        unsupplied = Q(kind=Parcel.Kind.UNSUPPLIED) & left
        reclaimed = Q(kind=Parcel.Kind.IDLE, reclaimed_on__lte=as_of)
        return approved & (unsupplied | reclaimed)
    raise ValueError(flag)


class KeyedOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then the primary key in the same direction: pages never overlap, and the ledger's indexes
    (which end in the key) serve the whole order."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if not value:
            return qs
        sign = "-" if value[0].startswith("-") else ""
        # by county: the ledger's own order (one index), either way
        if value[0].removeprefix("-") == "region":
            return qs.order_by(f"{sign}region_order", f"{sign}kind", f"{sign}code", f"{sign}pk")
        return qs.order_by(*qs.query.order_by, f"{sign}pk")


class ParcelFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(label=_("县(市、区)"), method="filter_region")
    # A parcel always has a kind and a status, and a flag is a condition: no "未填写" (null) choice for any of them.
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Parcel.Kind.choices, null_label=None)
    status = django_filters.ChoiceFilter(label=_("处置状态"), choices=Parcel.Status.choices, null_label=None)
    flag = django_filters.ChoiceFilter(
        label=_("标记"), choices=FLAG_CHOICES, method="filter_flag", null_label=None
    )
    q = django_filters.CharFilter(label=_("搜索"), method="filter_text")
    ordering = KeyedOrderingFilter(
        label=_("排序"),
        fields=(
            ("region_order", "region"),
            ("code", "code"),
            ("name", "name"),
            ("area_mu", "area_mu"),
            ("disposed_mu", "disposed_mu"),
            ("updated_at", "updated_at"),
            ("status", "status"),
        ),
        # Descending labels are given explicitly: django-filter would format them once, at import time, in
        # whatever language was active then.
        field_labels={
            "region_order": _("县(市、区)"),
            "code": _("编号"),
            "name": _("名称"),
            "area_mu": _("面积"),
            "disposed_mu": _("已处置面积"),
            "updated_at": _("更新时间"),
            "status": _("状态"),
            "-region": _("县(市、区)(降序)"),
            "-code": _("编号(降序)"),
            "-name": _("名称(降序)"),
            "-area_mu": _("面积(降序)"),
            "-disposed_mu": _("已处置面积(降序)"),
            "-updated_at": _("更新时间(降序)"),
            "-status": _("状态(降序)"),
        },
    )

    class Meta:
        model = Parcel
        fields = ["region", "kind", "status", "flag", "q"]

    @classmethod
    def narrows(cls, params) -> bool:
        """Whether the query ``params`` ask for anything but the whole (scoped) ledger: any filter given, valid or
        not (the order does not change how many rows there are)."""
        return any(str(params.get(name, "")).strip() for name in cls.base_filters if name != "ordering")

    @classmethod
    def count_at_most(cls, params) -> int | None:
        """How far the ledger page counts a search: a lookup, not a list to page through to its end."""
        return SEARCH_COUNT_AT_MOST if str(params.get("q", "")).strip() else None

    @classmethod
    def known_count(cls, params, user) -> int | None:
        """The whole ledger's length from the kept counts (``selectors.parcel_count``); None for a filtered list,
        which counts its rows."""
        return None if cls.narrows(params) else selectors.parcel_count(user)

    def __init__(self, *args, as_of: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "region_id", None):
            del self.filters["region"]  # a county user's ledger holds one region: nothing to choose
        else:
            regions = [(name, name) for name in Region.objects.values_list("name", flat=True)]
            self.filters["region"].extra["widget"] = forms.Select(choices=[("", _("全部")), *regions])
        if as_of is None and self.request is not None:
            as_of = parse_as_of(self.request.GET.get("as_of"))
        self.as_of = as_of or timezone.localdate()

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__name=Region.normalise_name(value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(flag_q(value, self.as_of))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if len(value) < 3 and connection.vendor == "postgresql":
            pieces = short_search(value)
            if _estimated_rows(Parcel.objects.filter(pieces)) <= SHORT_SEARCH_DENSE_ROWS:
                return queryset.filter(pieces)
        any_column = Q()
        for column in SEARCH_COLUMNS:
            any_column |= Q(**{f"{column}__icontains": value})
        return queryset.filter(any_column)


def short_search(value: str) -> CombinedExpression:
    """On PostgreSQL, a search of one or two characters as the one- and two-character pieces the index of migration
    0014 keeps: the same rows as ``icontains`` on the four columns, found in the index instead of by a scan."""
    pieces = Func(*map(F, SEARCH_COLUMNS), function="land_parcel_grams", output_field=TextField())
    wanted = Func(Value(value), function="land_search_grams", output_field=TextField())
    return CombinedExpression(pieces, "@>", wanted, output_field=BooleanField())


def _estimated_rows(queryset) -> float:
    """The planner's estimate of ``queryset``'s rows (from the statistics ANALYZE keeps of the indexed pieces; one
    EXPLAIN, no rows read). It only chooses between two ways to the same rows."""
    plan = json.loads(queryset.explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"]
