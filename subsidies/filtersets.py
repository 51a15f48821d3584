"""Application filters, shared by the list page and the API. Filtering is never a security boundary:
it always runs over the already-scoped queryset."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region

from .models import Application, Category, Domain, State
from .selectors import calls_visible_to


def _calls(request):
    if request is None:
        from .models import Call

        return Call.objects.none()
    return calls_visible_to(request.user)


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices)
    region = django_filters.CharFilter(label=_("区域"), method="filter_region")
    domain = django_filters.ChoiceFilter(label=_("领域"), field_name="call__domain", choices=Domain.choices)
    call = django_filters.ModelChoiceFilter(label=_("申报通知"), queryset=_calls)
    category = django_filters.ChoiceFilter(label=_("奖励类别"), choices=Category.choices)
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_text", help_text=_("企业名称、项目名称或统一社会信用代码")
    )

    class Meta:
        model = Application
        fields = ["state", "region", "domain", "call", "category", "q"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__name=Region.normalise_name(value))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise_name__icontains=value)
            | Q(project_name__icontains=value)
            | Q(credit_code__iexact=value)
        )
