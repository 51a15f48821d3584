"""审计日志: the whole trail for the 审计管理员 — filter by time, person, action, region, kind of object and words,
and export what the filter shows (xlsx, every cell inert). Reading it is itself audited."""

import io

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .audit import readable_changes
from .exports import inert_row
from .lists import XLSX, ordered
from .models import AuditEvent, Region
from .scoping import audit_events_visible_to

EXPORT_MAX_ROWS = 200_000  # one xlsx sheet a person can still open; narrow the filter for more


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    region = forms.ModelChoiceField(
        label=gettext_lazy("区域"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=gettext_lazy("全部"),
    )
    kind = forms.ModelChoiceField(
        label=gettext_lazy("对象类型"),
        required=False,
        queryset=ContentType.objects.none(),
        empty_label=gettext_lazy("全部"),
    )
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=100)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部")), *AuditEvent.Action.choices]
        kinds = events.order_by().values_list("content_type", flat=True).distinct()
        self.fields["kind"].queryset = ContentType.objects.filter(pk__in=kinds)
        self.fields["kind"].label_from_instance = lambda content_type: (
            content_type.name
        )  # the model's Chinese name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("结束日期不能早于起始日期。"))
        return cleaned

    def filter(self, events):
        data = self.cleaned_data
        if data.get("start"):
            events = events.filter(at__date__gte=data["start"])
        if data.get("end"):
            events = events.filter(at__date__lte=data["end"])
        if data.get("actor"):
            events = events.filter(Q(actor_name__icontains=data["actor"]) | Q(actor__username=data["actor"]))
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("region"):
            events = events.filter(region=data["region"])
        if data.get("kind"):
            events = events.filter(content_type=data["kind"])
        if data.get("q"):
            events = events.filter(Q(object_repr__icontains=data["q"]) | Q(comment__icontains=data["q"]))
        return events


SORTABLE = {"at": "at", "actor": "actor_name", "action": "action", "region": "region__order"}


def _filtered(request):
    events = audit_events_visible_to(request.user).select_related("content_type", "region")
    form = AuditFilterForm(request.GET or None, events=events)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()  # the errors are shown beside their fields; no silent "everything"
    return form, ordered(events, request, SORTABLE, default="-at")


@login_required
@permission_required("linfen_admin.review_auditevent", raise_exception=True)
def audit_log(request):
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "linfen_admin/audit_log.html", {"form": form, "page": page})


@login_required
@permission_required("linfen_admin.review_auditevent", raise_exception=True)
def audit_log_export(request):
    from openpyxl import Workbook

    form, events = _filtered(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("审计日志"))
    sheet.append(
        [
            _("时间"),
            _("操作人"),
            _("操作"),
            _("对象类型"),
            _("对象"),
            _("区域"),
            _("变更(修改前 → 修改后)"),
            _("说明"),
        ]
    )
    exported, cache = 0, {}
    for event in events[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        sheet.append(
            inert_row(
                [
                    timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                    event.actor_name,
                    event.get_action_display(),
                    event.content_type.name,
                    event.object_repr,
                    event.region.name if event.region else "",
                    "\n".join(
                        f"{label}:{before} → {after}"
                        for label, before, after in readable_changes(event, cache)
                    ),
                    event.comment,
                ]
            )
        )
        exported += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit.record(
        actor=request.user,
        action=audit.Action.EXPORT,
        obj=request.user,
        comment=f"导出审计日志 {exported} 条({request.GET.urlencode() or '全部'})",
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.xlsx"'
    return response
