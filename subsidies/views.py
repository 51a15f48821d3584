"""Pages: thin views that parse input and call one service; every read goes through ``selectors``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linfen_admin.forms import add_service_errors
from linfen_admin.lists import IdsFirstPaginator, ordered, xlsx_response

from . import cockpit, selectors, services, workflow
from .filtersets import ApplicationFilter
from .forms import (
    ApplicationForm,
    AwardQuoteForm,
    CommitteeForm,
    CommitteeMemberFormSet,
    DocumentForm,
    PlanApproveForm,
    PlanFinanceCopyForm,
    PlanForm,
    ScoreForm,
    TransitionForm,
)
from .models import Action, ExpertAssignment, State, bureau_domains
from .rules.award import check_params
from .services.guards import CHECK_FIELDS

# Which form fields each action shows (required ones come from the workflow table).
# ``None``: the action is taken on another page (市政府审定, with the allocation plan).
ACTION_FIELDS = {
    Action.SUBMIT: ["comment"],
    Action.ACCEPT: ["comment"],
    Action.COUNTY_CHECK: [
        "authenticity",
        "completeness",
        "compliance",
        "consistency",
        "inspected_on",
        "comment",
    ],
    Action.RECOMMEND: ["document_no", "inspection_opinion", "comment"],
    Action.SEND_TO_EXPERTS: ["committee", "comment"],
    Action.CONCLUDE_REVIEW: ["comment", "planned_wan"],
    Action.APPROVE: None,
    Action.DISBURSE: ["document_no", "comment"],
    Action.EVALUATE: ["completed_on", "evaluation_agency", "targets_met", "comment"],
    Action.REEVALUATE: ["cumulative_new_tax_wan", "comment"],
    Action.RECOVER: ["recovered_wan", "document_no", "comment"],
    Action.RETURN: ["comment"],
    Action.REJECT: ["comment"],
}


def _action_fields(action: str, application) -> list[str]:
    """The fields an action's form shows; an application entered before the commitments were recorded states its
    indicator type at evaluation (第十一条)."""
    names = list(ACTION_FIELDS.get(action) or [])
    if action == Action.EVALUATE and not application.indicator_type:
        names.insert(0, "indicator_type")
    return names


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return ";".join(f"{'、'.join(v)}" for v in exc.message_dict.values())
    return ";".join(exc.messages)


# The list's sortable columns: header key → model path (``linfen_admin.lists.ordered``).
LIST_ORDERING = {
    "reference": "id",
    "enterprise": "enterprise_name",
    "project": "project_name",
    "region": "region__order",
    "domain": "call__domain",
    "category": "category",
    "award": "award_wan",
    "planned": "planned_wan",
    "state": "state",
    "created": "created_at",
}


def _filtered_applications(request):
    """The scoped list, narrowed by the filters that are valid (the invalid ones are shown as errors on the
    form and ignored) and ordered by the chosen header."""
    base = selectors.application_list(request.user)
    params = request.GET.copy()
    for name in ("page", "ordering"):
        params.pop(name, None)
    filterset = ApplicationFilter(params or None, queryset=base, request=request)
    rows = filterset.qs if filterset.is_bound else base
    return filterset, ordered(rows, request, LIST_ORDERING, default="-created_at")


@login_required
@permission_required("subsidies.view_application", raise_exception=True)
def application_list(request):
    filterset, rows = _filtered_applications(request)
    page = IdsFirstPaginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/application_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_create": request.user.has_perm("subsidies.add_application")
            and request.user.region_id is not None,
        },
    )


@login_required
@permission_required("subsidies.view_application", raise_exception=True)
def application_export(request):
    """The same filtered, scoped and ordered list as an xlsx file (streamed, every text cell inert)."""
    _filterset, rows = _filtered_applications(request)
    headers = [
        _("编号"),
        _("企业名称"),
        _("统一社会信用代码"),
        _("项目名称"),
        _("区域"),
        _("领域"),
        _("奖励类别"),
        _("测算奖励(万元)"),
        _("拟支持(万元)"),
        _("状态"),
        _("符合申报条件"),
    ]
    lines = (
        [
            a.reference,
            a.enterprise_name,
            a.credit_code,
            a.project_name,
            a.region.name,
            a.call.get_domain_display(),
            a.get_category_display(),
            a.award_wan,
            a.planned_wan,
            a.get_state_display(),
            _("是") if a.eligible else _("否"),
        ]
        for a in rows.iterator(chunk_size=500)
    )
    return xlsx_response("subsidies-applications.xlsx", _("技改资金申报"), headers, lines)


@login_required
def application_detail(request, pk):
    application = selectors.application_get(request.user, pk)
    return render(request, "subsidies/application_detail.html", _detail_context(request, application))


def _transition_form(action: str, data=None, application=None) -> TransitionForm:
    """One form per action on the page, with ids of its own, so that each label names its own control. The
    county's checks start from what is already confirmed."""
    initial = None
    if application is not None and data is None:
        initial = {"action": action, "version": application.version}
        if action == Action.COUNTY_CHECK:
            initial.update({key: getattr(application, name) for key, name in CHECK_FIELDS.items()})
            initial["inspected_on"] = application.inspected_on
    return TransitionForm(data, initial=initial, application=application, auto_id=f"id_{action}_%s")


def _detail_context(request, application, *, posted: TransitionForm | None = None, score_form=None) -> dict:
    """The application page; ``posted`` is a refused action's form (shown with its errors and input), and
    ``score_form`` a refused score."""
    actors = workflow.actors_for(request.user, application)
    posted_action = posted.data.get("action") if posted is not None else None
    actions = []
    for row in workflow.available(application.state, actors):
        form = (
            posted if row.action == posted_action else _transition_form(row.action, application=application)
        )
        actions.append(
            {
                "row": row,
                "label": Action(row.action).label,
                "form": form,
                "fields": [form[name] for name in _action_fields(row.action, application)],
                "danger": row.action in (Action.RETURN, Action.REJECT),
                "elsewhere": ACTION_FIELDS.get(row.action, []) is None,
            }
        )
    assignments = list(
        ExpertAssignment.objects.filter(application=application).select_related("expert", "member__committee")
    )
    current = [a for a in assignments if a.round == application.review_round]
    committee = next((a.member.committee for a in current if a.member is not None), None)
    mine = next(
        (a for a in assignments if a.expert_id == request.user.pk and a.round == application.review_round),
        None,
    )
    history = list(selectors.history_for(application))
    if score_form is None and mine is not None and application.state == State.EXPERT_REVIEW:
        score_form = ScoreForm()
    return {
        "application": application,
        "actions": actions,
        "steps": workflow.steps(application, history),
        "history": history,
        "documents": selectors.documents_for(application),
        "assignments": assignments,
        "committee": committee,
        "average": selectors.average_score(current),
        "score_form": score_form,
        "document_form": DocumentForm() if services.may_attach(request.user, application) else None,
        "can_edit": application.is_editable and workflow.COUNTY in actors,
        "explanation": application.award_explanation or {},
        "content_type_id": ContentType.objects.get_for_model(application).pk,
    }


@login_required
@require_POST
def application_transition(request, pk):
    application = selectors.application_get(request.user, pk)
    form = _transition_form(request.POST.get("action", ""), request.POST, application)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.application_transition(
                application_id=application.pk,
                actor=request.user,
                action=action,
                comment=form.cleaned_data.get("comment") or "",
                data=form.data_for_service(_action_fields(action, application)),
                expected_version=form.cleaned_data.get("version"),
            )
        except PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.TransitionConflict as exc:
            messages.error(request, str(exc))  # somebody acted first: the page as it is now
            return redirect("subsidies:application-detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已办理:%(action)s") % {"action": Action(action).label})
            return redirect("subsidies:application-detail", pk=pk)
    # Refused: the same page, the action's form with its errors beside its fields and what was typed kept.
    context = _detail_context(request, application, posted=form)
    if not any(item["form"] is form for item in context["actions"]):  # no longer on offer: say so at the top
        messages.error(request, ";".join(form.non_field_errors()) or _("该操作当前不可办理,请查看最新状态。"))
    return render(request, "subsidies/application_detail.html", context, status=400)


@login_required
@require_POST
def expert_score(request, pk):
    application = selectors.application_get(request.user, pk)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            services.expert_score_submit(
                application_id=application.pk, expert=request.user, **form.cleaned_data
            )
        except services.TransitionConflict as exc:
            messages.error(request, str(exc))
            return redirect("subsidies:application-detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("评分已保存"))
            return redirect("subsidies:application-detail", pk=pk)
    context = _detail_context(request, application, score_form=form)
    return render(request, "subsidies/application_detail.html", context, status=400)


@login_required
@permission_required("subsidies.add_application", raise_exception=True)
def application_create(request):
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("申报已保存为草稿"))
            return redirect("subsidies:application-detail", pk=application.pk)
    return render(request, "subsidies/application_form.html", {"form": form, "application": None})


@login_required
@permission_required("subsidies.change_application", raise_exception=True)
def application_edit(request, pk):
    application = selectors.application_get(request.user, pk)
    if not application.is_editable:
        messages.error(request, _("只有草稿或退回补正的申报可以修改"))
        return redirect("subsidies:application-detail", pk=pk)
    form = ApplicationForm(request.POST or None, instance=application, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user, application_id=application.pk, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存,奖励已重新测算"))
            return redirect("subsidies:application-detail", pk=pk)
    return render(request, "subsidies/application_form.html", {"form": form, "application": application})


@login_required
@require_POST
def document_upload(request, pk):
    application = selectors.application_get(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                actor=request.user,
                application=application,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("材料已上传"))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("subsidies:application-detail", pk=pk)


@login_required
def document_download(request, pk):
    """Documents live outside the web root; this view is the only way to them, after the scoping check."""
    document = selectors.document_get(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


@login_required
@permission_required("subsidies.view_application", raise_exception=True)
def dashboard(request):
    summary = selectors.pipeline_summary(request.user)
    charts = [
        cockpit.funnel_chart(summary),
        cockpit.budget_chart(summary),
        cockpit.category_chart(summary),
    ]
    return render(request, "subsidies/dashboard.html", {"summary": summary, "charts": charts})


def _plan_context(request, call, **forms_given) -> dict:
    """The call's plan page: what is planned against the budget, its review committees and allocation plans, and
    — for the city bureau of its domain — the forms to form a committee, draft, submit, approve and copy a plan.
    ``forms_given`` are refused forms (shown with their errors and input)."""
    applications = selectors.application_list(request.user).filter(call=call)
    manages = call.domain in bureau_domains(request.user)
    plans = list(selectors.plans_for(request.user, call))
    candidates = selectors.plan_candidates(request.user, call) if manages else []
    context = {
        "call": call,
        "planned": applications.filter(state__in=selectors.FUNDED_STATES).order_by("-planned_wan", "id"),
        "candidates": applications.filter(state=State.EXPERT_REVIEW).order_by("-award_wan", "id"),
        "remaining_wan": call.budget_wan - call.committed_wan,
        "committees": selectors.committees_for(request.user, call),
        "plans": plans,
        "manages": manages,
    }
    if manages:
        context.update(
            committee_form=forms_given.get("committee_form") or CommitteeForm(),
            member_formset=forms_given.get("member_formset") or CommitteeMemberFormSet(prefix="members"),
            plan_form=forms_given.get("plan_form")
            or PlanForm(candidates=candidates, initial={"title": _("%(call)s资金分配计划") % {"call": call}}),
        )
        for plan in plans:  # each plan's own step forms
            plan.approve_form = forms_given.get(f"approve_{plan.pk}") or PlanApproveForm(
                prefix=f"approve{plan.pk}"
            )
            plan.copy_form = forms_given.get(f"copy_{plan.pk}") or PlanFinanceCopyForm(
                prefix=f"copy{plan.pk}"
            )
    return context


def _call_for_plan(request, pk):
    return get_object_or_404(selectors.calls_with_usage(request.user), pk=pk)


@login_required
@permission_required("subsidies.view_application", raise_exception=True)
def call_plan(request, pk):
    """资金分配计划: the planned awards of one call against its budget, its committees and allocation plans. The
    page's forms post back to it, each naming its ``step`` (组建评审委员会、编制方案、报审、审定、抄送)."""
    call = _call_for_plan(request, pk)
    if request.method == "POST":
        handler = PLAN_STEPS.get(request.POST.get("step", ""))
        if handler is None:
            messages.error(request, _("该操作当前不可办理,请查看最新状态。"))
            return redirect("subsidies:call-plan", pk=pk)
        return handler(request, call)
    return render(request, "subsidies/call_plan.html", _plan_context(request, call))


def _refused(request, call, **forms_given):
    return render(
        request, "subsidies/call_plan.html", _plan_context(request, call, **forms_given), status=400
    )


def _committee_create(request, call):
    form = CommitteeForm(request.POST)
    formset = CommitteeMemberFormSet(request.POST, prefix="members")
    if form.is_valid() and formset.is_valid():
        members = [
            f.cleaned_data for f in formset if f.cleaned_data.get("name") or f.cleaned_data.get("unit")
        ]
        try:
            services.committee_create(actor=request.user, call=call, members=members, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("评审委员会已组建"))
            return redirect("subsidies:call-plan", pk=call.pk)
    return _refused(request, call, committee_form=form, member_formset=formset)


def _plan_create(request, call):
    form = PlanForm(request.POST, candidates=selectors.plan_candidates(request.user, call))
    if form.is_valid():
        try:
            services.allocation_plan_create(
                actor=request.user, call=call, title=form.cleaned_data["title"], lines=form.lines()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("资金分配方案已保存"))
            return redirect("subsidies:call-plan", pk=call.pk)
    return _refused(request, call, plan_form=form)


def _plan_step(request, call, run, form_class=None, key=None):
    """One step on a plan of this call (报审、审定、抄送), named by the posted ``plan`` (404 when not visible); a
    refusal shows the page again with the form's errors and input."""
    plan = get_object_or_404(selectors.plans_for(request.user, call), pk=_int(request.POST.get("plan")))
    form = form_class(request.POST, prefix=f"{key}{plan.pk}") if form_class is not None else None
    if form is not None and not form.is_valid():
        return _refused(request, call, **{f"{key}_{plan.pk}": form})
    try:
        run(plan, form.cleaned_data if form is not None else {})
    except (services.StateConflict, services.TransitionConflict) as exc:
        messages.error(request, str(exc))
        return redirect("subsidies:call-plan", pk=call.pk)
    except ValidationError as exc:
        if form is None:
            messages.error(request, _error_text(exc))
            return redirect("subsidies:call-plan", pk=call.pk)
        add_service_errors(form, exc)
        return _refused(request, call, **{f"{key}_{plan.pk}": form})
    messages.success(request, _("已办理"))
    return redirect("subsidies:call-plan", pk=call.pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


PLAN_STEPS = {
    "committee": _committee_create,
    "plan": _plan_create,
    "submit": lambda request, call: _plan_step(
        request,
        call,
        lambda plan, _data: services.allocation_plan_submit(actor=request.user, plan_id=plan.pk),
    ),
    "approve": lambda request, call: _plan_step(
        request,
        call,
        lambda plan, data: services.allocation_plan_approve(actor=request.user, plan_id=plan.pk, **data),
        PlanApproveForm,
        "approve",
    ),
    "copy": lambda request, call: _plan_step(
        request,
        call,
        lambda plan, data: services.allocation_plan_copy_to_finance(
            actor=request.user, plan_id=plan.pk, **data
        ),
        PlanFinanceCopyForm,
        "copy",
    ),
}


@login_required
@permission_required("subsidies.view_awardrule", raise_exception=True)
def award_quote(request):
    form = AwardQuoteForm(request.POST or None, user=request.user)
    quote = None
    if request.method == "POST" and form.is_valid():
        params = form.params()
        credit_code, call = params.pop("credit_code", ""), params.pop("call", None)
        try:
            check_params(params)
            quote = selectors.award_quote(params, credit_code=credit_code, call=call, user=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
    status = 400 if request.method == "POST" and quote is None else 200
    return render(request, "subsidies/award_quote.html", {"form": form, "quote": quote}, status=status)
