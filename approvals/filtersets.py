"""django-filter sets. Filtering narrows an already-scoped queryset; it is never the security boundary."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Department, Region
from linfen_admin.scoping import regions_for

from . import selectors
from .models import Case, Complaint, Item
from .rules.workdays import CalendarUnknown


class NameChoiceField(forms.ModelChoiceField):
    """Refuses a value with a NUL character as an invalid choice before the lookup: PostgreSQL cannot hold NUL in
    text, and Django's field does not catch the ``DataError`` psycopg raises for it (the list would answer 500)."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NameChoiceField


class CaseFilter(django_filters.FilterSet):
    DUE_CHOICES = [("overdue", _("已超期")), ("due_soon", _("3 个工作日内到期")), ("late", _("超期办结"))]

    item = django_filters.ModelChoiceFilter(
        label=_("审批事项"), queryset=Item.objects.all(), field_name="item", to_field_name="number"
    )
    region = NameChoiceFilter(label=_("区域"), queryset=Region.objects.all(), to_field_name="name")
    department = django_filters.ModelChoiceFilter(label=_("承办部门"), queryset=Department.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Case.Status.choices)
    due = django_filters.ChoiceFilter(label=_("期限"), choices=DUE_CHOICES, method="filter_due")
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_text", help_text=_("申请人、统一社会信用代码或事项名称")
    )

    class Meta:
        model = Case
        fields = ["item", "region", "department", "status", "due", "q"]

    calendar_error = None

    def __init__(self, *args, user=None, **kwargs):
        """With ``user``, the region and department choices are only those the user's cases can be in (a county
        officer does not scroll through every department of the city); the list itself is scoped already."""
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(kind__in=Item.ReceivingKind.values)
        if user is not None:
            self.filters["region"].queryset = regions_for(user)
            if not user.is_superuser and user.region_id is not None:
                departments = departments.filter(region_id=user.region_id)
        self.filters["department"].queryset = departments

    @property
    def qs(self):
        """The filtered cases; a 临期 filter past the known calendar gives none, its reason beside the field."""
        queryset = super().qs
        if self.calendar_error is not None and not self.form.has_error("due"):
            self.form.add_error("due", self.calendar_error.messages)
        return queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return selectors.overdue(queryset, today)
        if value == "due_soon":
            try:
                return selectors.due_soon(queryset, today)
            except CalendarUnknown as exc:
                self.calendar_error = exc
                return queryset.none()
        if value == "late":
            return queryset.filter(decided_on__gt=F("due_on"))
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(applicant_name__icontains=value)
            | Q(applicant_credit_code__icontains=value)
            | Q(item__name__icontains=value)
        )


class ComplaintFilter(django_filters.FilterSet):
    DUE_CHOICES = [("overdue", _("已超期")), ("late", _("超期办结"))]

    item = django_filters.ModelChoiceFilter(
        label=_("审批事项"), queryset=Item.objects.all(), field_name="item", to_field_name="number"
    )
    region = NameChoiceFilter(label=_("区域"), queryset=Region.objects.all(), to_field_name="name")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Complaint.Status.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Complaint.Source.choices)
    due = django_filters.ChoiceFilter(label=_("期限"), choices=DUE_CHOICES, method="filter_due")

    class Meta:
        model = Complaint
        fields = ["item", "region", "status", "source", "due"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["region"].queryset = regions_for(user)

    def filter_due(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(Complaint.overdue_q(timezone.localdate()))
        if value == "late":
            return queryset.filter(handled_on__gt=F("due_on"))
        return queryset
