"""Pages (Chinese). Views parse input and call one service; every read goes through ``scoping``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linfen_admin.audit import history_for
from linfen_admin.scoping import can_change, get_visible_or_404, regions_for, visible_to

from . import cockpit, selectors, services
from .filtersets import CaseFilter
from .forms import CaseForm, DecisionForm, DrawForm, ExtensionForm, HandoverForm, ResultForm
from .models import DrawnEntity, HandoverChecklist, InspectionDraw
from .rules.workdays import CalendarUnknown


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@permission_required("approvals.view_item", raise_exception=True)
def item_list(request):
    return render(request, "approvals/item_list.html", {"items": selectors.items(request.user)})


@login_required
@permission_required("approvals.view_item", raise_exception=True)
def item_detail(request, number):
    item = get_visible_or_404(request.user, selectors.items(request.user), number=number)
    return render(request, "approvals/item_detail.html", {"item": item})


@login_required
@permission_required("approvals.view_case", raise_exception=True)
def case_list(request):
    try:
        filterset = CaseFilter(request.GET, queryset=selectors.cases_visible_to(request.user))
        cases = filterset.qs
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    except CalendarUnknown as exc:
        messages.error(request, exc.messages[0])
        filterset = CaseFilter(None, queryset=selectors.cases_visible_to(request.user))
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/case_list.html",
        {
            "filter": filterset,
            "page": page,
            **selectors.due_flags(),
        },
    )


@login_required
@permission_required("approvals.view_case", raise_exception=True)
def case_due(request):
    cases = selectors.cases_visible_to(request.user).order_by("due_on", "id")
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
            "due_soon": due_soon,
            "overdue": list(selectors.overdue(cases, flags["today"])),
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
            case = services.case_create(actor=request.user, **{k: v for k, v in form.cleaned_data.items()})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("办件已登记,办结期限 %(due)s。") % {"due": case.due_on})
            return redirect("approvals:case-detail", pk=case.pk)
    return render(request, "approvals/form.html", {"form": form, "title": _("登记办件")})


@login_required
def case_detail(request, pk):
    case = get_visible_or_404(request.user, selectors.cases_visible_to(request.user), pk=pk)
    editable = can_change(request.user, case) and case.is_open
    return render(
        request,
        "approvals/case_detail.html",
        {
            "case": case,
            "events": history_for(case),
            "editable": editable,
            "today": timezone.localdate(),
            "decision_form": DecisionForm(initial={"decided_on": timezone.localdate()}),
            "extension_form": ExtensionForm(),
        },
    )


def _case_step(request, pk, form_class, call):
    case = get_visible_or_404(request.user, selectors.cases_visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("approvals:case-detail", pk=pk)
    try:
        call(case, form.cleaned_data)
    except (services.CaseConflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("approvals:case-detail", pk=pk)


@login_required
@require_POST
def case_decide(request, pk):
    return _case_step(
        request,
        pk,
        DecisionForm,
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
        lambda case, data: services.case_extend(actor=request.user, case=case, reason=data["reason"]),
    )


@login_required
@permission_required("approvals.view_inspectiondraw", raise_exception=True)
def draw_list(request):
    draws = visible_to(request.user, InspectionDraw.objects.select_related("item", "region", "risk_level"))
    page = Paginator(draws, 30).get_page(request.GET.get("page"))
    return render(request, "approvals/draw_list.html", {"page": page})


@login_required
@permission_required("approvals.add_inspectiondraw", raise_exception=True)
def draw_create(request):
    form = DrawForm(request.POST or None, initial={"inspectors_per_entity": 2})
    form.fields["region"].queryset = regions_for(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            the_draw = services.draw_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("抽取完成。"))
            return redirect("approvals:draw-detail", pk=the_draw.pk)
    return render(request, "approvals/form.html", {"form": form, "title": _("发起双随机抽查")})


@login_required
def draw_detail(request, pk):
    queryset = InspectionDraw.objects.select_related("item", "region", "risk_level").prefetch_related(
        "drawn__entity", "drawn__inspectors__department"
    )
    the_draw = get_visible_or_404(request.user, queryset, pk=pk)
    return render(
        request,
        "approvals/draw_detail.html",
        {
            "draw": the_draw,
            "replays": selectors.replay_draw(the_draw),
            "result_form": ResultForm(),
            "may_record": request.user.has_perm("approvals.change_drawnentity"),
        },
    )


@login_required
@require_POST
def result_record(request, pk):
    drawn = get_visible_or_404(request.user, DrawnEntity.objects.all(), pk=pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.result_record(
                actor=request.user,
                drawn=drawn,
                result=form.cleaned_data["result"],
                checked_on=form.cleaned_data["checked_on"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("检查结果已录入。"))
    else:
        messages.error(request, _("检查结果填写有误。"))
    return redirect("approvals:draw-detail", pk=drawn.draw_id)


@login_required
@permission_required("approvals.view_handoverchecklist", raise_exception=True)
def handover(request):
    rows = visible_to(request.user, HandoverChecklist.objects.select_related("item", "department__region"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/handover.html", {"page": page, **selectors.coverage()})


@login_required
def handover_edit(request, pk):
    checklist = get_visible_or_404(
        request.user, HandoverChecklist.objects.select_related("item", "department"), pk=pk
    )
    if not can_change(request.user, checklist):
        raise Http404
    form = HandoverForm(request.POST or None, instance=checklist)
    if request.method == "POST" and form.is_valid():
        services.handover_update(actor=request.user, checklist=checklist, **form.cleaned_data)
        messages.success(request, _("承接情况已保存。"))
        return redirect("approvals:handover")
    return render(
        request, "approvals/form.html", {"form": form, "title": _("填写承接情况:%(c)s") % {"c": checklist}}
    )


def public_draws(request):
    """一公开: every draw and its results, no login, nothing private."""
    page = Paginator(selectors.public_draws(), 20).get_page(request.GET.get("page"))
    draws = [{"draw": d, "rows": selectors.public_rows(d)} for d in page.object_list]
    return render(request, "approvals/public_draws.html", {"page": page, "draws": draws})
