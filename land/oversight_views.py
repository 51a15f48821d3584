"""Pages of the campaign's procedures: 挂牌督办, the report deadlines' documents and the 建设用地报件 register. Views
parse input and call one service of ``land.oversight``; every read is scoped (another region's object: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linfen_admin.audit import history_for
from linfen_admin.forms import add_service_errors
from linfen_admin.lists import ordered
from linfen_admin.scoping import get_visible_or_404, regions_for

from . import oversight, selectors
from .models import LandApplication, Parcel, ReportDeadline, Supervision, SupervisionReport
from .oversight import reports as report_reads
from .oversight.forms import (
    DeadlineReportForm,
    LandApplicationForm,
    LiftForm,
    SupervisionForm,
    SupervisionReportForm,
)
from .services import may_supervise

SUPERVISION_ORDER = {
    "region": "region__order",
    "due_on": "due_on",
    "status": "status",
    "listed_at": "listed_at",
}
APPLICATION_ORDER = {
    "region": "region__order",
    "applied_on": "applied_on",
    "area_mu": "area_mu",
    "status": "status",
}


def _add_file_errors(form, exc: ValidationError) -> None:
    """A service's refusal on a form with an ``upload`` field: the file's problems beside it, the rest as usual."""
    if hasattr(exc, "error_dict") and "file" in exc.error_dict:
        form.add_error("upload", exc.error_dict.pop("file"))
        if not exc.error_dict:
            return
    add_service_errors(form, exc)


def _download(record):
    """A stored attachment, after the caller's scoped lookup: the only way to the file."""
    if not record.file:
        raise Http404
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=record.original_name, content_type=record.content_type
    )


# --- 挂牌督办 ------------------------------------------------------------------------------------------------


@login_required
@permission_required("land.view_supervision", raise_exception=True)
def supervision_list(request):
    rows = oversight.supervisions_visible_to(request.user)
    status = request.GET.get("status", "open")
    if status in Supervision.Status.values:
        rows = rows.filter(status=status)
    rows = ordered(rows, request, SUPERVISION_ORDER, "due_on")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page.object_list:
        item.overdue = oversight.supervision.is_overdue(item, today)
    return render(
        request,
        "land/oversight/supervision_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Supervision.Status.choices,
            "can_list": may_supervise(request.user),
        },
    )


@login_required
@permission_required("land.supervise_parcel", raise_exception=True)
def supervision_create(request):
    initial = {}
    if request.method == "GET" and request.GET.get("parcel"):
        parcel = get_visible_or_404(request.user, Parcel.objects.all(), pk=request.GET["parcel"])
        initial = {"region": parcel.region_id, "parcel_code": parcel.code}
    form = SupervisionForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                supervision = oversight.supervision_open(
                    actor=request.user,
                    region=data["region"],
                    parcel=data["parcel"],
                    reason=data["reason"],
                    responsible_unit=data["responsible_unit"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                if "parcel" in getattr(exc, "error_dict", {}):
                    form.add_error("parcel_code", exc.error_dict["parcel"])
            else:
                messages.success(request, _("已挂牌督办。"))
                return redirect("land:supervision-detail", pk=supervision.pk)
    return render(request, "land/oversight/supervision_form.html", {"form": form}, status=status)


def _supervision_context(request, pk, *, report_form=None, lift_form=None) -> dict:
    supervision = get_visible_or_404(request.user, oversight.supervisions_visible_to(request.user), pk=pk)
    is_open = supervision.status == Supervision.Status.OPEN
    in_region = regions_for(request.user).filter(pk=supervision.region_id).exists()
    can_report = is_open and in_region and request.user.has_perm("land.add_supervisionreport")
    can_lift = is_open and may_supervise(request.user)
    if can_report and report_form is None:
        report_form = SupervisionReportForm(initial={"reported_on": timezone.localdate()})
    if can_lift and lift_form is None:
        lift_form = LiftForm(initial={"lifted_on": timezone.localdate()})
    return {
        "supervision": supervision,
        "overdue": oversight.supervision.is_overdue(supervision, timezone.localdate()),
        "reports": supervision.reports.select_related("created_by"),
        "report_form": report_form if can_report else None,
        "lift_form": lift_form if can_lift else None,
        "events": history_for(supervision).select_related("content_type")[:50],
    }


@login_required
@permission_required("land.view_supervision", raise_exception=True)
def supervision_detail(request, pk):
    return render(request, "land/oversight/supervision_detail.html", _supervision_context(request, pk))


@login_required
@require_POST
@permission_required("land.add_supervisionreport", raise_exception=True)
def supervision_report_create(request, pk):
    supervision = get_visible_or_404(request.user, oversight.supervisions_visible_to(request.user), pk=pk)
    form = SupervisionReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            oversight.supervision_report(
                actor=request.user,
                supervision=supervision,
                reported_on=form.cleaned_data["reported_on"],
                progress=form.cleaned_data["progress"],
                upload=form.cleaned_data.get("upload"),
            )
        except ValidationError as exc:
            _add_file_errors(form, exc)
        else:
            messages.success(request, _("督办进展已报告。"))
            return redirect("land:supervision-detail", pk=pk)
    context = _supervision_context(request, pk, report_form=form)
    return render(request, "land/oversight/supervision_detail.html", context, status=400)


@login_required
@require_POST
@permission_required("land.supervise_parcel", raise_exception=True)
def supervision_lift(request, pk):
    supervision = get_visible_or_404(request.user, oversight.supervisions_visible_to(request.user), pk=pk)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            oversight.supervision_lift(
                actor=request.user,
                supervision=supervision,
                reason=form.cleaned_data["reason"],
                lifted_on=form.cleaned_data["lifted_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已解除挂牌督办,解除理由保留在督办记录中。"))
            return redirect("land:supervision-detail", pk=pk)
    context = _supervision_context(request, pk, lift_form=form)
    return render(request, "land/oversight/supervision_detail.html", context, status=400)


@login_required
@permission_required("land.view_supervisionreport", raise_exception=True)
def supervision_report_file(request, pk, report_pk):
    supervision = get_visible_or_404(request.user, oversight.supervisions_visible_to(request.user), pk=pk)
    report = get_visible_or_404(
        request.user, SupervisionReport.objects.filter(supervision=supervision), pk=report_pk
    )
    return _download(report)


# --- 报送材料 ------------------------------------------------------------------------------------------------


def _campaign(request):
    campaigns = selectors.campaigns_with_milestones()
    year = request.GET.get("year")
    campaign = next((c for c in campaigns if str(c.year) == year), None) or selectors.current_campaign(
        campaigns
    )
    if campaign is None:
        raise Http404(_("还没有专项行动。"))
    return campaign, campaigns


def _report_context(request, *, campaign=None, forms=None) -> dict:
    chosen, campaigns = _campaign(request)
    campaign = campaign or chosen
    matrix = oversight.report_matrix(request.user, campaign, timezone.localdate())
    user = request.user
    may_add = user.has_perm("land.add_deadlinereport")
    submittable = []
    for deadline in campaign.report_deadlines.all():
        if not may_add:
            break
        if deadline.level == ReportDeadline.Level.COUNTY and user.region_id is None:
            continue  # a county's document is the county's to send
        if deadline.level == ReportDeadline.Level.CITY and not user.has_perm(report_reads.CITY_PERMISSION):
            continue
        form = (forms or {}).get(deadline.pk) or DeadlineReportForm(prefix=f"d{deadline.pk}")
        submittable.append((deadline, form))
    return {"campaign": campaign, "campaigns": campaigns, "matrix": matrix, "submittable": submittable}


@login_required
@permission_required("land.view_deadlinereport", raise_exception=True)
def report_status(request):
    return render(request, "land/oversight/report_status.html", _report_context(request))


@login_required
@require_POST
@permission_required("land.add_deadlinereport", raise_exception=True)
def deadline_report_submit(request, pk):
    # report deadlines are the campaign's published reference data (every land user reads them)
    deadline = get_object_or_404(ReportDeadline.objects.select_related("campaign"), pk=pk)
    form = DeadlineReportForm(request.POST, request.FILES, prefix=f"d{deadline.pk}")
    if form.is_valid():
        try:
            oversight.deadline_report_submit(
                actor=request.user,
                deadline=deadline,
                upload=form.cleaned_data["upload"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _add_file_errors(form, exc)
        else:
            messages.success(request, _("%(t)s 已报送。") % {"t": deadline.title})
            return redirect(reverse("land:report-status") + f"?year={deadline.campaign.year}")
    context = _report_context(request, campaign=deadline.campaign, forms={deadline.pk: form})
    return render(request, "land/oversight/report_status.html", context, status=400)


@login_required
@permission_required("land.view_deadlinereport", raise_exception=True)
def deadline_report_file(request, pk):
    return _download(get_visible_or_404(request.user, oversight.reports_visible_to(request.user), pk=pk))


# --- 建设用地报件 --------------------------------------------------------------------------------------------


def _suspensions(user):
    """Today's suspended regions the user may see."""
    today = timezone.localdate()
    campaign = selectors.campaign_for_year(today.year)
    if campaign is None or campaign.year != today.year:
        return []
    progress = selectors.progress_for_campaign(campaign, today, user=user)
    return [row for row in progress.regions if row.suspended]


@login_required
@permission_required("land.view_landapplication", raise_exception=True)
def application_list(request):
    rows = oversight.applications_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in LandApplication.Status.values:
        rows = rows.filter(status=status)
    rows = ordered(rows, request, APPLICATION_ORDER, "-applied_on")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "land/oversight/application_list.html",
        {
            "page": page,
            "status": status,
            "statuses": LandApplication.Status.choices,
            "suspended": _suspensions(request.user),
            "can_add": request.user.has_perm("land.add_landapplication"),
        },
    )


@login_required
@permission_required("land.add_landapplication", raise_exception=True)
def application_create(request):
    initial = {"applied_on": timezone.localdate()}
    if request.user.region_id:
        initial["region"] = request.user.region_id
    form = LandApplicationForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application = oversight.application_register(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if application.status == LandApplication.Status.REFUSED:
                    messages.error(
                        request, _("未予受理,已登记在册:%(r)s") % {"r": application.refusal_reason}
                    )
                else:
                    messages.success(request, _("建设用地报件已受理登记。"))
                return redirect("land:application-list")
    context = {"form": form, "suspended": _suspensions(request.user)}
    return render(request, "land/oversight/application_form.html", context, status=status)


def dashboard_context(user) -> dict:
    """What the progress dashboard shows of the procedures: refused 报件 and open 挂牌督办 (scoped)."""
    refused = oversight.applications_visible_to(user).filter(status=LandApplication.Status.REFUSED)
    return {
        "refused_applications": refused.order_by("-created_at")[:20]
        if user.has_perm("land.view_landapplication")
        else [],
        "supervision_counts": oversight.supervision.counts(user, timezone.localdate())
        if user.has_perm("land.view_supervision")
        else None,
    }
