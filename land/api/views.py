from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linfen_admin.api.exceptions import Conflict
from linfen_admin.api.pagination import IdsFirstPagination
from linfen_admin.api.serializers import ErrorSerializer
from linfen_admin.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from linfen_admin.scoping import editable_by

from .. import boundaries, imports, mapdata, selectors, services
from ..filtersets import ParcelFilterSet
from ..geometry import GeometryInvalid
from ..models import Campaign, Interview, Parcel, QuarterNotice, TaskQuota
from ..params import parse_as_of, parse_bool, parse_year
from ..sheets import SheetInvalid
from . import serializers as s

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="计算标记和进度的日期,默认今天")
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="年度,默认当年(或最近)的专项行动")
DRY_RUN = OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="true:只校验不写入")
BBOX_PATTERN = r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"  # four numbers; mapdata.parse_bbox also checks the order
# An import answers 400 in two shapes: the file's problems by row (``_import_response``), or the API's usual error
# body when the request itself is wrong (no file, a bad ``year``) — they differ, so the schema offers both.
IMPORT_REFUSED = PolymorphicProxySerializer(
    component_name="ImportRefused",
    serializers=[s.ImportErrorsSerializer, ErrorSerializer],
    resource_type_field_name=None,
)


def _campaign(request) -> Campaign:
    campaign = selectors.campaign_for_year(parse_year(request.query_params.get("year")))
    if campaign is None:
        raise Http404
    return campaign


def _import_response(run):
    """200 with the import's result, or 400 listing every problem (row, column, message) — nothing written."""
    try:
        result = run()
    except SheetInvalid as exc:
        detail, problems, total = _("表格有误,未写入任何数据。"), exc.errors, exc.total
    except GeometryInvalid as exc:
        detail, problems, total = _("文件有误,未写入任何数据。"), exc.problems, len(exc.problems)
    else:
        return Response(result.as_dict())
    return Response(
        {
            "detail": detail,
            "code": "invalid",
            "errors": [problem.as_dict() for problem in problems],  # the first 200 at most
            "total_errors": total,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("请上传文件(表单字段 file)。")})
    return upload


class CampaignViewSet(ScopedReadOnlyViewSet):
    """专项行动 with milestones, phases and report deadlines (published reference data: ``Campaign.scope_public``)."""

    queryset = Campaign.objects.prefetch_related("milestones", "phases", "report_deadlines")
    serializer_class = s.CampaignSerializer
    lookup_field = "year"
    filter_backends = []


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
class TaskQuotaViewSet(ScopedReadOnlyViewSet):
    """任务分解 per region (county users see their own region)."""

    queryset = TaskQuota.objects.select_related("region", "campaign")
    serializer_class = s.TaskQuotaSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.filter(campaign=_campaign(self.request))
        return queryset

    @extend_schema(
        parameters=[YEAR, DRY_RUN],
        request={"multipart/form-data": s.QuotaImportRequestSerializer},
        responses={200: s.ImportResultSerializer, 400: IMPORT_REFUSED},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_sheet(self, request):
        """Import 附件 2 (xlsx/csv). Any bad row → 400 listing every error, and nothing is written."""
        campaign = _campaign(request)
        upload = _upload(request)
        dry_run = parse_bool(request.query_params.get("dry_run"))
        return _import_response(
            lambda: imports.quota_import(
                actor=request.user, campaign=campaign, upload=upload, dry_run=dry_run
            )
        )


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class ParcelViewSet(ScopedModelViewSet):
    """宗地台账. ``PATCH`` needs the ``version`` read earlier: a stale one answers 409 and changes nothing."""

    queryset = Parcel.objects.select_related("region")
    serializer_class = s.ParcelSerializer
    filterset_class = ParcelFilterSet
    filter_backends = [DjangoFilterBackend]  # ParcelFilterSet carries search (q) and ordering itself
    pagination_class = IdsFirstPagination  # the last of a million rows' pages as cheap as the first
    http_method_names = ["get", "post", "patch", "head", "options"]  # no PUT: every edit is a versioned PATCH

    def get_queryset(self):
        as_of = self._as_of()
        queryset = super().get_queryset()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            queryset = editable_by(self.request.user, queryset)
        return selectors.with_disposed(queryset, as_of)

    def known_count(self, request):
        return ParcelFilterSet.known_count(request.query_params, request.user)

    def _as_of(self):
        if not hasattr(self, "_as_of_value"):
            self._as_of_value = parse_as_of(self.request.query_params.get("as_of"))
        return self._as_of_value

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": self._as_of()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        parcel = services.parcel_create(actor=self.request.user, data=data)
        parcel.disposed_mu = 0
        serializer.instance = parcel

    def update(self, request, *args, **kwargs):
        parcel = self.get_object()
        serializer = self.get_serializer(parcel, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        try:
            services.parcel_update(actor=request.user, parcel=parcel, version=version, data=data)
        except services.StaleVersion as exc:
            raise Conflict(str(exc)) from exc
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(methods=["GET"], responses=s.DisposalSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.DisposalSerializer, responses={201: s.DisposalSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def disposals(self, request, pk=None):
        """The parcel's disposal records; ``POST {disposed_on, area_mu, method, note}`` records one more."""
        if request.method == "GET":
            parcel = self.get_object()
            records = parcel.disposals.select_related("created_by")
            return Response(s.DisposalSerializer(records, many=True).data)
        parcel = self.get_object()
        serializer = s.DisposalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.disposal_record(actor=request.user, parcel=parcel, **serializer.validated_data)
        return Response(s.DisposalSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DisposalRevokeSerializer, responses=s.ParcelSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"disposals/(?P<disposal_id>\d+)/revoke",
        pagination_class=None,
        filter_backends=[],
    )
    def revoke_disposal(self, request, pk=None, disposal_id=None):
        """Withdraw a disposal entered by mistake: ``{reason}``. The audit trail keeps the record and the reason."""
        parcel = self.get_object()
        disposal = get_object_or_404(parcel.disposals, pk=disposal_id)
        serializer = s.DisposalRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.disposal_revoke(
            actor=request.user, disposal=disposal, reason=serializer.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        parameters=[DRY_RUN],
        request={"multipart/form-data": s.QuotaImportRequestSerializer},
        responses={200: s.ImportResultSerializer, 400: IMPORT_REFUSED},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_sheet(self, request):
        """Import a parcel list (xlsx/csv, Chinese headers). All-or-nothing, like the quota import."""
        upload = _upload(request)
        dry_run = parse_bool(request.query_params.get("dry_run"))
        return _import_response(
            lambda: imports.parcel_import(actor=request.user, upload=upload, dry_run=dry_run)
        )

    @extend_schema(
        parameters=[DRY_RUN],
        request={"multipart/form-data": s.QuotaImportRequestSerializer},
        responses={200: s.BoundaryImportResultSerializer, 400: IMPORT_REFUSED},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="boundaries/import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_boundaries(self, request):
        """Import boundaries: the bureaus' coordinate exchange file (.txt) or GeoJSON (.geojson). All or nothing;
        a boundary whose area differs from the ledger's by more than 5 % comes back as a warning."""
        upload = _upload(request)
        dry_run = parse_bool(request.query_params.get("dry_run"))
        return _import_response(
            lambda: boundaries.boundary_import(actor=request.user, upload=upload, dry_run=dry_run)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "bbox",
                OpenApiTypes.STR,
                required=True,
                description="west,south,east,north(度)",
                pattern=BBOX_PATTERN,
            ),
            AS_OF,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="map", pagination_class=None)
    def map(self, request):
        """GeoJSON of the (filtered) parcels in the bounding box; clusters with counts past the cap."""
        bbox = mapdata.parse_bbox(request.query_params.get("bbox"))
        if bbox is None:
            raise ValidationError({"bbox": _("bbox 应为“西,南,东,北”四个经纬度数值。")})
        return Response(mapdata.in_view(self.filter_queryset(self.get_queryset()), bbox, self._as_of()))


class ProgressView(APIView):
    """Progress of every region (a county user: their own) against the campaign's milestones on ``as_of``."""

    queryset = TaskQuota.objects.none()  # for ModelPermissions: needs land.view_taskquota

    @extend_schema(parameters=[YEAR, AS_OF], responses=s.ProgressSerializer)
    def get(self, request):
        campaign = _campaign(request)
        as_of = parse_as_of(request.query_params.get("as_of"))
        progress = selectors.progress_for_campaign(campaign, as_of, user=request.user)
        return Response(s.progress_data(progress))


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
class InterviewViewSet(ScopedReadOnlyViewSet):
    """约谈与通报批评 records (六(四)); a county user reads its own region's. The city land bureau reads the
    product's proposals for a date and confirms or dismisses each (``POST``, audited)."""

    queryset = Interview.objects.select_related("region", "campaign", "decided_by")
    serializer_class = s.InterviewSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and self.request.query_params.get("year"):
            queryset = queryset.filter(campaign=_campaign(self.request))
        return queryset

    @extend_schema(parameters=[YEAR, AS_OF], responses=s.InterviewProposalSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def proposals(self, request):
        """Regions proposed for 约谈 on ``as_of``: two consecutive milestones missed, or the last rank."""
        if not request.user.has_perm("land.add_interview"):
            raise PermissionDenied(_("只有市规划和自然资源局可以查看约谈提议。"))
        progress = selectors.progress_for_campaign(
            _campaign(request), parse_as_of(request.query_params.get("as_of"))
        )
        return Response(
            [
                {
                    "region": p.region.name,
                    "region_id": p.region.pk,
                    "basis": p.basis_text,
                    "rank": p.row.rank,
                    "consecutive_misses": p.row.consecutive_misses,
                }
                for p in selectors.interview_proposals(progress)
            ]
        )

    @extend_schema(
        parameters=[YEAR],
        request=s.InterviewConfirmSerializer,
        responses={201: s.InterviewSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def confirm(self, request):
        """Confirm a proposed 约谈 ``{region, as_of, held_on, leader, reason, follow_up, criticised}``."""
        serializer = s.InterviewConfirmSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        records = services.interview_confirm(
            actor=request.user, campaign=_campaign(request), **serializer.validated_data
        )
        return Response(s.InterviewSerializer(records, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[YEAR], request=s.InterviewDismissSerializer, responses={201: s.InterviewSerializer}
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def dismiss(self, request):
        """Dismiss a proposal with a reason ``{region, as_of, reason}``."""
        serializer = s.InterviewDismissSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        record = services.interview_dismiss(
            actor=request.user, campaign=_campaign(request), **serializer.validated_data
        )
        return Response(s.InterviewSerializer(record).data, status=status.HTTP_201_CREATED)


class QuarterNoticeViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """季通报: published notices for everyone with the view permission (drafts for the city land bureau, who
    drafts ``POST {as_of}?year=``, edits ``PATCH {title, document_no, body}`` and publishes ``POST …/publish/``)."""

    queryset = QuarterNotice.objects.select_related("campaign")
    serializer_class = s.QuarterNoticeSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.notices_visible_to(self.request.user)

    @extend_schema(
        parameters=[YEAR], request=s.NoticeDraftSerializer, responses={201: s.QuarterNoticeSerializer}
    )
    def create(self, request):
        serializer = s.NoticeDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.notice_draft(
            actor=request.user, campaign=_campaign(request), as_of=serializer.validated_data["as_of"]
        )
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        notice = self.get_object()
        serializer = self.get_serializer(notice, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {
            name: serializer.validated_data.get(name, getattr(notice, name))
            for name in ("title", "document_no", "body")
        }
        notice = services.notice_edit(actor=request.user, notice=notice, **data)
        return Response(self.get_serializer(notice).data)

    @extend_schema(request=None, responses=s.QuarterNoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the draft: the .docx and the xlsx annex are written and kept; the notice is then read-only."""
        notice = services.notice_publish(actor=request.user, notice=self.get_object())
        return Response(self.get_serializer(notice).data)
