"""Pages (Chinese). Views parse input and call one service; every read goes through ``scoping``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from linfen_admin.audit import history_for
from linfen_admin.forms import add_service_errors
from linfen_admin.lists import IdsFirstPaginator, ordered, xlsx_response
from linfen_admin.scoping import can_change, get_visible_or_404, regions_for

from . import cockpit, selectors, services
from .filtersets import CaseFilter, ComplaintFilter
from .forms import (
    CaseForm,
    ComplaintForm,
    ComplaintResultForm,
    DecisionForm,
    DrawForm,
    ExtensionForm,
    HandoverForm,
    ResultForm,
    RevocationForm,
)
from .models import DrawnEntity, InspectionDraw
from .rules.workdays import CalendarUnknown

CASE_HEADERS = [
    _lazy("审批事项"),
    _lazy("区域"),
    _lazy("承办部门"),
    _lazy("申请人"),
    _lazy("统一社会信用代码"),
    _lazy("受理日期"),
    _lazy("办结期限"),
    _lazy("状态"),
    _lazy("决定日期"),
    _lazy("期限情况"),
]
HANDOVER_HEADERS = [
    _lazy("事项"),
    _lazy("承接部门"),
    _lazy("已承接"),
    _lazy("接收确认人"),
    _lazy("人员已培训"),
    _lazy("培训确认人"),
    _lazy("已对外公示"),
    _lazy("公示确认人"),
    _lazy("已与省级衔接"),
    _lazy("衔接确认人"),
    _lazy("首件办结"),
    _lazy("首件办结人"),
    _lazy("进度"),
    _lazy("说明"),
]
ITEM_HEADERS = [
    _lazy("序号"),
    _lazy("事项名称"),
    _lazy("权力类型"),
    _lazy("省政府改革意见"),
    _lazy("承接层级"),
    _lazy("我市承接部门"),
    _lazy("加强事中事后监管措施"),
    _lazy("备注"),
]
DRAW_HEADERS = [
    _lazy("抽取日期"),
    _lazy("审批事项"),
    _lazy("区域"),
    _lazy("风险等级"),
    _lazy("抽查比例"),
    _lazy("抽中主体数"),
    _lazy("随机种子"),
]


@login_required
@permission_required("approvals.view_item", raise_exception=True)
def item_list(request):
    items = ordered(selectors.items(request.user), request, selectors.ITEM_ORDERING, default="number")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/item_list.html", {"page": page})


@login_required
@permission_required("approvals.view_item", raise_exception=True)
def item_export(request):
    items = ordered(selectors.items(request.user), request, selectors.ITEM_ORDERING, default="number")
    return xlsx_response(
        "approval-items.xlsx", _("审批事项"), ITEM_HEADERS, selectors.item_export_rows(items)
    )


@login_required
@permission_required("approvals.view_item", raise_exception=True)
def item_detail(request, number):
    item = get_visible_or_404(request.user, selectors.items(request.user), number=number)
    return render(request, "approvals/item_detail.html", {"item": item})


def _filtered_cases(request):
    """The case list's filters (a wrong value is an error beside its field, never a 404) and the ordered cases:
    the page and its export show the same list."""
    filterset = CaseFilter(request.GET, queryset=selectors.cases_visible_to(request.user), user=request.user)
    cases = ordered(filterset.qs, request, selectors.CASE_ORDERING, default="-accepted_on")
    return filterset, cases


@login_required
@permission_required("approvals.view_case", raise_exception=True)
def case_list(request):
    filterset, cases = _filtered_cases(request)
    page = IdsFirstPaginator(cases, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_deadlines(page.object_list)
    return render(request, "approvals/case_list.html", {"filter": filterset, "page": page})


@login_required
@permission_required("approvals.view_case", raise_exception=True)
def case_export(request):
    _filterset, cases = _filtered_cases(request)
    return xlsx_response("approval-cases.xlsx", _("办件"), CASE_HEADERS, selectors.case_export_rows(cases))


@login_required
@permission_required("approvals.view_case", raise_exception=True)
def case_due(request):
    cases = ordered(
        selectors.cases_visible_to(request.user), request, selectors.CASE_ORDERING, default="due_on"
    )
    calendar = selectors.work_calendar()
    flags = selectors.due_flags(calendar=calendar)
    try:
        due_soon = list(selectors.due_soon(cases, flags["today"], calendar=calendar))
    except CalendarUnknown as exc:
        messages.error(request, exc.messages[0])
        due_soon = []
    return render(
        request,
        "approvals/case_due.html",
        {
            "due_soon": selectors.with_deadlines(due_soon, flags["today"], calendar=calendar),
            "overdue": selectors.with_deadlines(
                selectors.overdue(cases, flags["today"]), flags["today"], calendar=calendar
            ),
            "chart": cockpit.deadline_chart(request.user, flags["today"]),
            **flags,
        },
    )


@login_required
@permission_required("approvals.add_case", raise_exception=True)
def case_create(request):
    form = CaseForm(request.POST or None, regions=regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("办件已登记,办结期限 %(due)s。") % {"due": case.due_on})
            return redirect("approvals:case-detail", pk=case.pk)
    return render(
        request,
        "approvals/form.html",
        {"form": form, "title": _("登记办件")},
        status=400 if form.is_bound else 200,
    )


def _case_page(request, case, *, decision_form=None, extension_form=None, revocation_form=None):
    today = timezone.localdate()
    licence = selectors.licence_of(case)
    bound = decision_form or extension_form or revocation_form
    return render(
        request,
        "approvals/case_detail.html",
        {
            "case": case,
            "deadline": selectors.case_deadline(case, today, calendar=selectors.work_calendar()),
            "events": history_for(case),
            "editable": can_change(request.user, case) and case.is_open,
            "decision_form": decision_form or DecisionForm(initial={"decided_on": today}),
            "extension_form": extension_form or ExtensionForm(),
            "licence": licence,
            "supervisors": selectors.supervisors_of(case),
            "licence_events": history_for(licence) if licence else [],
            "may_revoke": selectors.may_revoke(request.user, licence),
            "revocation_form": revocation_form or RevocationForm(initial={"revoked_on": today}),
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@login_required
def case_detail(request, pk):
    case = get_visible_or_404(request.user, selectors.cases_visible_to(request.user), pk=pk)
    return _case_page(request, case)


def _case_step(request, pk, form_class, form_key, call):
    """Decide or extend from the case page: a refused form comes back on the page with the input kept and each
    error beside its field; a step the case's state refuses is a message."""
    case = get_visible_or_404(request.user, selectors.cases_visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except (services.CaseConflict, PermissionDenied) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("approvals:case-detail", pk=pk)
        if not form.errors:
            return redirect("approvals:case-detail", pk=pk)
    return _case_page(request, case, **{form_key: form})


@login_required
@require_POST
def case_decide(request, pk):
    return _case_step(
        request,
        pk,
        DecisionForm,
        "decision_form",
        lambda case, data: services.case_decide(
            actor=request.user,
            case=case,
            decision=data["decision"],
            decided_on=data["decided_on"],
            note=data["note"],
        ),
    )


@login_required
@require_POST
def case_extend(request, pk):
    return _case_step(
        request,
        pk,
        ExtensionForm,
        "extension_form",
        lambda case, data: services.case_extend(actor=request.user, case=case, reason=data["reason"]),
    )


@login_required
@require_POST
def case_revoke(request, pk):
    """撤销/吊销 the licence the case granted (another region's case: 404, as for every step)."""

    def revoke(case, data):
        licence = selectors.licence_of(case)
        if licence is None:
            raise services.CaseConflict(_("该办件未准予许可,没有可撤销的许可。"))
        services.entity_revoke(
            actor=request.user,
            entity=licence,
            kind=data["kind"],
            reason=data["reason"],
            revoked_on=data["revoked_on"],
        )

    return _case_step(request, pk, RevocationForm, "revocation_form", revoke)


@login_required
@permission_required("approvals.view_inspectiondraw", raise_exception=True)
def draw_list(request):
    draws = ordered(selectors.draws_visible_to(request.user), request, selectors.DRAW_ORDERING, "-drawn_on")
    page = Paginator(draws, 30).get_page(request.GET.get("page"))
    return render(request, "approvals/draw_list.html", {"page": page})


@login_required
@permission_required("approvals.view_inspectiondraw", raise_exception=True)
def draw_export(request):
    draws = ordered(selectors.draws_visible_to(request.user), request, selectors.DRAW_ORDERING, "-drawn_on")
    return xlsx_response(
        "inspection-draws.xlsx", _("双随机抽查"), DRAW_HEADERS, selectors.draw_export_rows(draws)
    )


@login_required
@permission_required("approvals.add_inspectiondraw", raise_exception=True)
def draw_create(request):
    form = DrawForm(request.POST or None, initial={"inspectors_per_entity": 2})
    form.fields["region"].queryset = regions_for(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            the_draw = services.draw_create(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("抽取完成。"))
            return redirect("approvals:draw-detail", pk=the_draw.pk)
    return render(request, "approvals/form.html", {"form": form, "title": _("发起双随机抽查")})


def _result_form(row, data=None):
    """One form per drawn entity on the draw page, with ids of its own (the names stay ``result`` …)."""
    return ResultForm(data, auto_id=f"id_r{row.pk}_%s")


def _draw_page(request, pk, *, bound=None):
    queryset = InspectionDraw.objects.select_related("item", "region", "risk_level").prefetch_related(
        "drawn__entity", "drawn__inspectors__department"
    )
    the_draw = get_visible_or_404(request.user, queryset, pk=pk)
    rows = list(the_draw.drawn.all())
    for row in rows:
        row.result_form = bound if bound is not None and bound.row_pk == row.pk else _result_form(row)
    return render(
        request,
        "approvals/draw_detail.html",
        {
            "draw": the_draw,
            "rows": rows,
            "replays": selectors.replay_draw(the_draw),
            "levels": selectors.draw_levels(the_draw),
            "may_record": request.user.has_perm("approvals.change_drawnentity"),
        },
    )


@login_required
def draw_detail(request, pk):
    return _draw_page(request, pk)


@login_required
@require_POST
def result_record(request, pk):
    drawn = get_visible_or_404(request.user, DrawnEntity.objects.all(), pk=pk)
    form = _result_form(drawn, request.POST)
    form.row_pk = drawn.pk
    if form.is_valid():
        try:
            services.result_record(
                actor=request.user,
                drawn=drawn,
                result=form.cleaned_data["result"],
                checked_on=form.cleaned_data["checked_on"],
                note=form.cleaned_data["note"],
            )
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("检查结果已录入。"))
            return redirect("approvals:draw-detail", pk=drawn.draw_id)
    return _draw_page(request, drawn.draw_id, bound=form)


@login_required
@permission_required("approvals.view_handoverchecklist", raise_exception=True)
def handover(request):
    rows = ordered(
        selectors.handover_visible_to(request.user), request, selectors.HANDOVER_ORDERING, "item__number"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/handover.html", {"page": page, **selectors.coverage()})


@login_required
@permission_required("approvals.view_handoverchecklist", raise_exception=True)
def handover_export(request):
    rows = ordered(
        selectors.handover_visible_to(request.user), request, selectors.HANDOVER_ORDERING, "item__number"
    )
    return xlsx_response(
        "handover.xlsx", _("承接情况"), HANDOVER_HEADERS, selectors.handover_export_rows(rows)
    )


@login_required
def handover_edit(request, pk):
    checklist = get_visible_or_404(request.user, selectors.handover_visible_to(request.user), pk=pk)
    if not can_change(request.user, checklist):
        raise Http404
    form = HandoverForm(request.POST or None, instance=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_update(actor=request.user, checklist=checklist, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("承接情况已保存。"))
            return redirect("approvals:handover")
    return render(
        request,
        "approvals/handover_edit.html",
        {
            "form": form,
            "checklist": checklist,
            "events": history_for(checklist),
            "title": _("填写承接情况:%(c)s") % {"c": checklist},
        },
        status=400 if form.is_bound else 200,
    )


def public_draws(request):
    """一公开: every draw and its results, no login, nothing private."""
    draws = ordered(selectors.public_draws(), request, selectors.DRAW_ORDERING, "-drawn_on")
    page = Paginator(draws, 20).get_page(request.GET.get("page"))
    entries = [
        {"draw": d, "rows": selectors.public_rows(d), "levels": selectors.draw_levels(d)}
        for d in page.object_list
    ]
    return render(request, "approvals/public_draws.html", {"page": page, "draws": entries})


@login_required
@permission_required("approvals.view_supervision", raise_exception=True)
def supervision_list(request):
    """监管台账: the decided cases the user's department supervises (each department its own; a county one, its
    county's applicants), newest decision first."""
    rows = ordered(
        selectors.supervisions_visible_to(request.user),
        request,
        selectors.SUPERVISION_ORDERING,
        "-case__decided_on",
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/supervision_list.html", {"page": page})


@login_required
@permission_required("approvals.view_complaint", raise_exception=True)
def complaint_list(request):
    filterset = ComplaintFilter(
        request.GET, queryset=selectors.complaints_visible_to(request.user), user=request.user
    )
    rows = ordered(filterset.qs, request, selectors.COMPLAINT_ORDERING, default="-received_on")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "approvals/complaint_list.html",
        {
            "filter": filterset,
            "page": page,
            "today": today,
            "counts": selectors.complaint_counts(filterset.qs, today),
        },
    )


@login_required
@permission_required("approvals.add_complaint", raise_exception=True)
def complaint_create(request):
    form = ComplaintForm(request.POST or None, regions=regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("投诉举报已登记,办理期限 %(due)s。") % {"due": complaint.due_on})
            return redirect("approvals:complaint-detail", pk=complaint.pk)
    return render(
        request,
        "approvals/form.html",
        {"form": form, "title": _("登记投诉举报")},
        status=400 if form.is_bound else 200,
    )


def _complaint_page(request, complaint, form=None):
    return render(
        request,
        "approvals/complaint_detail.html",
        {
            "complaint": complaint,
            "today": timezone.localdate(),
            "events": history_for(complaint),
            "may_handle": complaint.is_open and can_change(request.user, complaint),
            "form": form or ComplaintResultForm(initial={"handled_on": timezone.localdate()}),
        },
        status=400 if form is not None else 200,
    )


@login_required
def complaint_detail(request, pk):
    complaint = get_visible_or_404(request.user, selectors.complaints_visible_to(request.user), pk=pk)
    return _complaint_page(request, complaint)


@login_required
@require_POST
def complaint_handle(request, pk):
    complaint = get_visible_or_404(request.user, selectors.complaints_visible_to(request.user), pk=pk)
    form = ComplaintResultForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_handle(actor=request.user, complaint=complaint, **form.cleaned_data)
        except (services.ComplaintConflict, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect("approvals:complaint-detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("投诉举报已办结。"))
            return redirect("approvals:complaint-detail", pk=pk)
    return _complaint_page(request, complaint, form)
