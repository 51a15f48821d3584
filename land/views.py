"""County clerk pages and the leading group's dashboard. Views parse input and call selectors/services."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linfen_admin import jobs as shell_jobs
from linfen_admin.audit import history_for
from linfen_admin.forms import add_service_errors
from linfen_admin.lists import XLSX, IdsFirstPaginator, xlsx_response
from linfen_admin.models import Region
from linfen_admin.scoping import editable_by, get_visible_or_404

from . import (
    boundaries,
    cockpit,
    import_templates,
    imports,
    jobs,
    mapdata,
    oversight,
    oversight_views,
    selectors,
    services,
    staging,
)
from .filtersets import ParcelFilterSet
from .forms import (
    AsOfForm,
    DisposalForm,
    ImportForm,
    InterviewConfirmForm,
    InterviewDismissForm,
    NoticeEditForm,
    ParcelForm,
    ProgressForm,
)
from .geometry import GeometryInvalid
from .ledger_sheet import ledger_sheet
from .models import Parcel, QuarterNotice
from .notice import notice_workbook
from .params import parse_as_of, parse_year
from .sheets import SheetInvalid

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PROGRESS_PAGE = 100  # regions per page of the ranking


def _as_of_form(request) -> tuple:
    """``?as_of=`` as a form: (the date the figures are for, the form, 200 or 400). A date that is not one
    (``2022-13-45``) is an error beside the date field; the page then shows today."""
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = today.isoformat()
    form = AsOfForm(data)
    if form.is_valid():
        return form.cleaned_data["as_of"] or today, form, 200
    return today, form, 400


def _as_of(request):
    """For exports and files: a bad date answers 400 with the reason (a page shows it beside its field)."""
    try:
        return parse_as_of(request.GET.get("as_of"))
    except ValidationError as exc:
        raise BadRequest(_("日期格式应为 YYYY-MM-DD。")) from exc


def _ledger_filter(request, as_of) -> ParcelFilterSet:
    """The ledger's one filterset over the parcels the user may see: the list, its exports and the map share it."""
    return ParcelFilterSet(
        request.GET or None,
        queryset=selectors.parcels_visible_to(request.user, as_of=as_of),
        request=request,
        as_of=as_of,
    )


def _flagged(parcels, as_of):
    for parcel in parcels:
        parcel.flags = selectors.parcel_flags(parcel, as_of)
    return parcels


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_list(request):
    as_of, as_of_form, status = _as_of_form(request)
    filterset = _ledger_filter(request, as_of)
    count = ParcelFilterSet.known_count(request.GET, request.user)
    at_most = ParcelFilterSet.count_at_most(request.GET)
    page = IdsFirstPaginator(filterset.qs, 50, count=count, count_at_most=at_most).get_page(
        request.GET.get("page")
    )
    _flagged(page.object_list, as_of)
    return render(
        request,
        "land/parcel_list.html",
        {
            "filter": filterset,
            "as_of_form": as_of_form,
            "page": page,
            "as_of": as_of,
            "can_add": request.user.has_perm("land.add_parcel"),
        },
        status=status,
    )


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_export(request):
    """The (filtered, scoped, ordered) ledger as xlsx, written row by row in write-only mode to a temporary file:
    memory stays flat whatever the number of rows."""
    as_of = _as_of(request)
    filterset = _ledger_filter(request, as_of)
    headers, rows = ledger_sheet(filterset.qs)
    return xlsx_response(f"parcels-{as_of.isoformat()}.xlsx", _("宗地台账"), headers, rows)


@login_required
@require_POST
@permission_required("land.view_parcel", raise_exception=True)
def parcel_export_job(request):
    """后台导出: the same export as a background job with a progress bar, for lists too long to wait for."""
    query = request.POST.get("query", "")
    job = shell_jobs.job_start(
        actor=request.user,
        kind=jobs.PARCEL_EXPORT,
        label=_("宗地台账导出"),
        params={"query": query[:4000]},
    )
    return redirect("job-detail", job.pk)


def _detail_context(request, pk, *, disposal_form=None) -> dict:
    as_of, as_of_form, status = _as_of_form(request)
    parcel = get_visible_or_404(request.user, selectors.parcels_visible_to(request.user, as_of=as_of), pk=pk)
    can_change = editable_by(request.user, Parcel.objects.filter(pk=pk)).exists()
    if disposal_form is None and can_change and request.user.has_perm("land.add_disposalrecord"):
        disposal_form = DisposalForm(parcel=parcel)
    return {
        "parcel": parcel,
        "flags": selectors.parcel_flags(parcel, as_of),
        "as_of": as_of,
        "timeline": selectors.disposal_timeline(parcel),
        "events": history_for(parcel).select_related("content_type")[:50],
        "can_change": can_change,
        "disposal_form": disposal_form,
        "can_revoke": can_change and request.user.has_perm("land.delete_disposalrecord"),
        "as_of_form": as_of_form,
        "status": status,
        # 挂牌督办 of this parcel (``land.oversight``)
        "supervisions": oversight.supervisions_of_parcel(request.user, parcel),
        "can_supervise": services.may_supervise(request.user),
    }


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_detail(request, pk):
    context = _detail_context(request, pk)
    return render(request, "land/parcel_detail.html", context, status=context["status"])


def _editable_parcel(request, pk) -> Parcel:
    """404 for another region's parcel; 403 for a role that may read but not write (the leading group)."""
    parcel = get_visible_or_404(request.user, Parcel.objects.select_related("region"), pk=pk)
    if not editable_by(request.user, Parcel.objects.filter(pk=pk)).exists():
        raise PermissionDenied(_("您只能查看,不能修改宗地。"))
    return parcel


@login_required
@permission_required("land.add_parcel", raise_exception=True)
def parcel_create(request):
    form = ParcelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            parcel = services.parcel_create(actor=request.user, data=form.changed_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("宗地已添加。"))
            return redirect("land:parcel-detail", pk=parcel.pk)
    return render(request, "land/parcel_form.html", {"form": form, "parcel": None})


@login_required
@permission_required("land.change_parcel", raise_exception=True)
def parcel_edit(request, pk):
    parcel = _editable_parcel(request, pk)
    form = ParcelForm(request.POST or None, instance=parcel, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        if version is None:
            form.add_error(None, _("表单缺少版本号,请刷新页面后重新编辑。"))
        else:
            try:
                services.parcel_update(
                    actor=request.user, parcel=parcel, version=version, data=form.changed_values()
                )
            except services.StaleVersion as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("宗地已保存。"))
                return redirect("land:parcel-detail", pk=parcel.pk)
    return render(request, "land/parcel_form.html", {"form": form, "parcel": parcel}, status=status)


@login_required
@require_POST
@permission_required("land.add_disposalrecord", raise_exception=True)
def disposal_create(request, pk):
    parcel = _editable_parcel(request, pk)
    form = DisposalForm(request.POST, parcel=parcel)
    if form.is_valid():
        try:
            services.disposal_record(actor=request.user, parcel=parcel, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("处置记录已登记。"))
            return redirect("land:parcel-detail", pk=pk)
    return render(
        request, "land/parcel_detail.html", _detail_context(request, pk, disposal_form=form), status=400
    )


@login_required
@require_POST
@permission_required("land.delete_disposalrecord", raise_exception=True)
def disposal_revoke(request, pk, disposal_pk):
    """Withdraw a disposal entered by mistake, with a reason (kept in the audit trail)."""
    parcel = _editable_parcel(request, pk)
    disposal = get_object_or_404(parcel.disposals, pk=disposal_pk)
    try:
        services.disposal_revoke(actor=request.user, disposal=disposal, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("处置记录已撤销,原记录保留在修改记录中。"))
    return redirect("land:parcel-detail", pk=pk)


def _progress(request, *, strict: bool = False):
    """The campaign and date the figures are for, from ``?year=&as_of=``: (form, progress, status).

    A page shows a bad year or date as an error beside its field (status 400) and the current campaign as of
    today instead; ``strict`` (the notice file) answers 400 with the reason."""
    data = request.GET.copy()
    campaigns = selectors.campaigns_with_milestones()
    current = selectors.current_campaign(campaigns)
    if current is None:
        raise Http404(_("还没有专项行动。"))
    if not data.get("year"):
        data["year"] = str(current.year)
    if not data.get("as_of"):
        data["as_of"] = timezone.localdate().isoformat()
    form = ProgressForm(data, campaigns=campaigns)
    valid = form.is_valid()
    if strict and not valid:
        raise BadRequest(" ".join(e for errors in form.errors.values() for e in errors))
    year = form.cleaned_data.get("year") or current.year
    campaign = next(c for c in campaigns if c.year == year)
    as_of = form.cleaned_data.get("as_of") or timezone.localdate()
    return form, selectors.progress_for_campaign(campaign, as_of, user=request.user), 200 if valid else 400


@login_required
@permission_required("land.view_taskquota", raise_exception=True)
def dashboard(request):
    form, progress, status = _progress(request)
    ranked = sorted(progress.regions, key=lambda r: (r.rank is None, r.rank or 0, r.region.order))
    # a province has a thousand regions: the ranking is paged, and the chart shows the page's regions
    page = Paginator(ranked, PROGRESS_PAGE).get_page(request.GET.get("page"))
    charts = [
        cockpit.region_chart(progress, page.object_list),
        cockpit.cumulative_chart(progress, request.user),
    ]
    return render(
        request,
        "land/dashboard.html",
        {
            "form": form,
            "progress": progress,
            "ranked": page.object_list,
            "page": page,
            "milestones": progress.totals["milestones"],
            "charts": charts,
            "ranking_basis": selectors.RANKING_BASIS,
            "bonus_basis": selectors.bonus_basis(progress.campaign),
            # a county clerk reads the city's sums, but not the other regions' names
            "county_view": progress.totals["regions"] < progress.city_totals["regions"],
            **oversight_views.dashboard_context(request.user),
        },
        status=status,
    )


@login_required
@permission_required("land.view_taskquota", raise_exception=True)
def notice_export(request):
    _form, progress, _status = _progress(request, strict=True)
    response = HttpResponse(notice_workbook(progress), content_type=XLSX)
    filename = f"land-notice-{progress.campaign.year}-{progress.as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _import_initial(request) -> dict:
    """This year's campaign preselected; a county clerk (who may not import quotas) starts on the parcel list."""
    return {
        "campaign": selectors.current_campaign(selectors.campaigns_with_milestones()),
        "kind": "quota" if request.user.has_perm("land.add_taskquota") else "parcel",
    }


def _import_context(request, form, **extra) -> dict:
    return {
        "form": form,
        "result": None,
        "boundary": None,
        "errors": None,
        "total_errors": None,
        "dry_run": True,
        "staged": None,
        "staged_minutes": staging.TTL // 60,
        "templates": [
            ("quota", _("任务分解表模板(xlsx)")),
            ("parcel", _("宗地清单模板(xlsx)")),
            ("boundary", _("界址坐标示例(txt)")),
        ],
        **extra,
    }


@login_required
@permission_required("land.add_parcel", raise_exception=True)
def import_sheet(request):
    form = ImportForm(request.POST or None, request.FILES or None, initial=_import_initial(request))
    context = _import_context(request, form)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dry_run = context["dry_run"] = data["dry_run"]
        try:
            if data["kind"] == "quota":
                context["result"] = imports.quota_import(
                    actor=request.user, campaign=data["campaign"], upload=data["file"], dry_run=dry_run
                )
            elif data["kind"] == "boundary":
                context["boundary"] = boundaries.boundary_import(
                    actor=request.user, upload=data["file"], dry_run=dry_run
                )
            else:
                context["result"] = imports.parcel_import(
                    actor=request.user, upload=data["file"], dry_run=dry_run
                )
            if dry_run:  # clean: keep the file so that 确认导入 needs no second upload
                context["staged"] = staging.stage(
                    actor=request.user,
                    kind=data["kind"],
                    campaign_year=data["campaign"].year if data.get("campaign") else None,
                    upload=data["file"],
                    rows=getattr(context.get("result"), "rows", 0),
                )
        except SheetInvalid as exc:
            context.update(errors=exc.errors, total_errors=exc.total)
            status = 400
        except GeometryInvalid as exc:
            context["errors"], status = exc.problems, 400
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            status = 400
    return render(request, "land/import.html", context, status=status)


@login_required
@require_POST
@permission_required("land.add_parcel", raise_exception=True)
def import_confirm(request):
    """确认导入: the file of a clean dry run, imported without a second upload (the user's own token only)."""
    form = ImportForm(initial=_import_initial(request))
    context = _import_context(request, form, dry_run=False)
    status = 200
    token = request.POST.get("token", "")
    try:
        if staging.staged_rows(actor=request.user, token=token) > settings.IMPORT_INLINE_MAX_ROWS:
            job = shell_jobs.job_start(
                actor=request.user, kind=jobs.IMPORT_CONFIRM, label=_("导入宗地台账"), params={"token": token}
            )
            return redirect("job-detail", job.pk)
        kind, result = staging.confirm_import(actor=request.user, token=token)
    except staging.StagedNotFound as exc:
        raise Http404(_("没有待确认的导入,或已导入、已过期。")) from exc
    except SheetInvalid as exc:
        context.update(errors=exc.errors, total_errors=exc.total)
        status = 400
    except GeometryInvalid as exc:
        context["errors"], status = exc.problems, 400
    except ValidationError as exc:
        context["confirm_errors"], status = exc.messages, 400
    else:
        if kind == "boundary":
            messages.success(request, _("界址坐标已导入:共 %(n)s 宗地。") % {"n": result.parcels})
        else:
            messages.success(
                request,
                _("导入完成:共 %(rows)s 行,新增 %(created)s,更新 %(updated)s。") % result.as_dict(),
            )
        return redirect("land:import")  # a reload does not post the used token again
    return render(request, "land/import.html", context, status=status)


@login_required
@permission_required("land.add_parcel", raise_exception=True)
def import_template(request):
    """``?kind=quota|parcel|boundary``: the blank sheet of one import kind (header row, an example row, 填表说明),
    or the sample coordinate file."""
    kind = request.GET.get("kind") or "parcel"
    region = getattr(request.user, "region", None)
    region_name = region.name if region is not None else import_templates.EXAMPLE_REGION
    if kind == "quota":
        response = HttpResponse(import_templates.quota_template(), content_type=XLSX)
        filename = "land-quota-template.xlsx"
    elif kind == "parcel":
        response = HttpResponse(import_templates.parcel_template(region_name), content_type=XLSX)
        filename = "land-parcel-template.xlsx"
    elif kind == "boundary":
        response = HttpResponse(
            import_templates.boundary_sample(region_name).encode("utf-8"),
            content_type="text/plain; charset=utf-8",
        )
        filename = "land-boundary-sample.txt"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_map(request):
    """逐地块上图: the ledger's filters over a Leaflet map that loads only what is in view (``api …/parcels/map/``)."""
    as_of, as_of_form, status = _as_of_form(request)
    filterset = _ledger_filter(request, as_of)
    config = {
        "api": reverse("land-parcel-map"),
        "as_of": as_of.isoformat(),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": [36.08, 111.52],
        "zoom": 9,
        "labels": {
            "parcels": _("宗地"),
            "open": _("查看宗地"),
            "supervised": _("挂牌督办"),
            "idle_fee": _("应征缴闲置费"),
            "reclaim": _("应无偿收回"),
            "cluster": _("宗地块,放大查看"),
        },
    }
    return render(
        request,
        "land/parcel_map.html",
        {"filter": filterset, "config": config, "as_of": as_of, "as_of_form": as_of_form},
        status=status,
    )


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_export_geojson(request):
    """The filtered, scoped parcels that have a location, as one GeoJSON file (streamed, constant memory)."""
    as_of = _as_of(request)
    filterset = _ledger_filter(request, as_of)
    rows = filterset.qs.filter(lat__isnull=False).select_related("region").order_by("pk")

    def chunks():
        yield '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4490"}}, "features": ['
        for index, parcel in enumerate(rows.iterator(chunk_size=1000)):
            yield ("," if index else "") + json.dumps(
                mapdata.parcel_feature(parcel, as_of), ensure_ascii=False
            )
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parcels-{as_of.isoformat()}.geojson"'
    return response


# --- 约谈 and 通报批评 (六(四)) --------------------------------------------------------------------------------


def _interview_page(request, *, forms_by_region=None, status=200):
    """Every user with the view permission reads the records of the regions they see; the city land bureau also
    reads the product's proposals for the chosen date, each with its confirm and dismiss forms."""
    records = selectors.interviews_visible_to(request.user)
    page = IdsFirstPaginator(records, 50).get_page(request.GET.get("page"))
    context = {"page": page, "can_decide": request.user.has_perm("land.add_interview")}
    if context["can_decide"]:
        form, progress, form_status = _progress(request)
        status = max(status, form_status)
        forms_by_region = forms_by_region or {}
        proposals = selectors.interview_proposals(
            selectors.progress_for_campaign(progress.campaign, progress.as_of)
        )
        for proposal in proposals:
            initial = {"region": proposal.region.pk, "as_of": progress.as_of}
            confirm, dismiss = forms_by_region.get(proposal.region.pk, (None, None))
            proposal.confirm_form = confirm or InterviewConfirmForm(
                initial=initial, prefix=f"c{proposal.region.pk}"
            )
            proposal.dismiss_form = dismiss or InterviewDismissForm(
                initial=initial, prefix=f"d{proposal.region.pk}"
            )
        context |= {"form": form, "progress": progress, "proposals": proposals}
    return render(request, "land/interviews.html", context, status=status)


@login_required
@permission_required("land.view_interview", raise_exception=True)
def interview_list(request):
    return _interview_page(request)


def _decide(request, region_pk, form_class, decide):
    """Parse the confirm or dismiss form of one proposal and call the service; a refusal shows the page again
    with the errors beside the fields of that proposal (400)."""
    region = get_visible_or_404(request.user, Region.objects.all(), pk=region_pk)
    letter = "c" if form_class is InterviewConfirmForm else "d"
    form = form_class(request.POST, prefix=f"{letter}{region.pk}")
    if form.is_valid():
        campaign = selectors.campaign_for_year(parse_year(request.GET.get("year")))
        if campaign is None:
            raise Http404
        try:
            decide(form.cleaned_data, campaign, region)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(request.get_full_path().replace(request.path, reverse("land:interview-list"), 1))
    pair = (form, None) if letter == "c" else (None, form)
    return _interview_page(request, forms_by_region={region.pk: pair}, status=400)


@login_required
@require_POST
@permission_required("land.add_interview", raise_exception=True)
def interview_confirm(request, region_pk):
    def decide(data, campaign, region):
        services.interview_confirm(
            actor=request.user,
            campaign=campaign,
            region=region,
            as_of=data["as_of"],
            held_on=data["held_on"],
            leader=data["leader"],
            reason=data["reason"],
            follow_up=data["follow_up"],
            criticised=data["criticised"],
        )
        messages.success(request, _("已确认约谈 %(r)s。") % {"r": region})

    return _decide(request, region_pk, InterviewConfirmForm, decide)


@login_required
@require_POST
@permission_required("land.add_interview", raise_exception=True)
def interview_dismiss(request, region_pk):
    def decide(data, campaign, region):
        services.interview_dismiss(
            actor=request.user, campaign=campaign, region=region, as_of=data["as_of"], reason=data["reason"]
        )
        messages.success(request, _("已记录不予约谈 %(r)s 及理由。") % {"r": region})

    return _decide(request, region_pk, InterviewDismissForm, decide)


# --- 季通报 (六(四)) ----------------------------------------------------------------------------------------


@login_required
@permission_required("land.view_quarternotice", raise_exception=True)
def notice_list(request):
    """Published notices for everyone (a county reads the city's notices); drafts and the 起草 form for the city
    land bureau."""
    page = IdsFirstPaginator(selectors.notices_visible_to(request.user), 50).get_page(request.GET.get("page"))
    context = {"page": page, "can_draft": request.user.has_perm("land.add_quarternotice")}
    status = 200
    if context["can_draft"]:
        form, _progress_rows, status = _progress(request)
        context["form"] = form
        if request.method == "POST" and status == 200:
            try:
                draft = services.notice_draft(
                    actor=request.user, campaign=_progress_rows.campaign, as_of=_progress_rows.as_of
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("已起草季通报,请修改后发布。"))
                return redirect("land:notice-detail", pk=draft.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "land/notices.html", context, status=status)


@login_required
@permission_required("land.view_quarternotice", raise_exception=True)
def notice_detail(request, pk):
    notice = get_visible_or_404(request.user, selectors.notices_visible_to(request.user), pk=pk)
    editable = notice.status == QuarterNotice.Status.DRAFT and request.user.has_perm(
        "land.change_quarternotice"
    )
    form = NoticeEditForm(request.POST or None, instance=notice) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                notice = services.notice_edit(actor=request.user, notice=notice, **form.cleaned_data)
                if "publish" in request.POST:
                    notice = services.notice_publish(actor=request.user, notice=notice)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                published = notice.status == QuarterNotice.Status.PUBLISHED
                messages.success(request, _("季通报已发布。") if published else _("草稿已保存。"))
                return redirect("land:notice-detail", pk=notice.pk)
        status = 400
    return render(
        request,
        "land/notice_detail.html",
        {"notice": notice, "form": form, "events": history_for(notice).select_related("content_type")[:50]},
        status=status,
    )


@login_required
@permission_required("land.view_quarternotice", raise_exception=True)
def notice_file(request, pk, part):
    """The published .docx or its xlsx annex, as kept at publication."""
    notice = get_visible_or_404(request.user, selectors.notices_visible_to(request.user), pk=pk)
    stored = notice.docx if part == "docx" else notice.annex
    if not stored:
        raise Http404
    stem = f"notice-{notice.campaign.year}-{notice.as_of.isoformat()}"
    content_type = DOCX if part == "docx" else XLSX
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=f"{stem}.{part}", content_type=content_type
    )
