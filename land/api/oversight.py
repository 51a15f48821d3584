"""API of the campaign's procedures: 挂牌督办 (``supervisions/``), the report deadlines' documents
(``deadline-reports/``, ``report-status/``) and the 建设用地报件 register (``applications/``). Every read is scoped
(another region's object: 404); every write is one service of ``land.oversight``."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linfen_admin.api.permissions import ModelPermissions
from linfen_admin.api.serializers import RefuseReadOnlyFieldsMixin, RegionNameField
from linfen_admin.api.viewsets import ScopedViewSetMixin
from linfen_admin.scoping import visible_to

from .. import oversight, selectors
from ..models import DeadlineReport, LandApplication, Parcel, ReportDeadline, Supervision, SupervisionReport
from ..oversight.supervision import is_overdue
from ..params import parse_year

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="年度,默认当年(或最近)的专项行动")


class ReadThenServicePermission(ModelPermissions):
    """For the actions whose service checks its own permission (a county reports on the city's listing): the
    caller needs to read the listing; the service decides the rest (403 with the reason)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class VisibleParcelField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return visible_to(self.context["request"].user, Parcel.objects.all())


class LandSupervisionSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    region = RegionNameField(required=False, help_text="县(市、区)名称;填了宗地时可省略")
    parcel = VisibleParcelField(
        required=False, allow_null=True, help_text="宗地 id;不填即督办该县(市、区)的清理任务"
    )
    parcel_code = serializers.CharField(source="parcel.code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    listed_by = serializers.CharField(source="listed_by.display_name", read_only=True, allow_null=True)
    lifted_by = serializers.CharField(source="lifted_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "region",
            "parcel",
            "parcel_code",
            "reason",
            "responsible_unit",
            "due_on",
            "status",
            "overdue",
            "listed_by",
            "listed_at",
            "lifted_on",
            "lifted_by",
            "lift_reason",
        ]
        read_only_fields = ["id", "status", "listed_at", "lifted_on", "lift_reason"]

    def get_overdue(self, supervision) -> bool:
        return is_overdue(supervision, timezone.localdate())


class LiftSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="解除理由")
    lifted_on = serializers.DateField(required=False, help_text="解除日期,默认今天")


class LandSupervisionReportSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    upload = serializers.FileField(
        write_only=True, required=False, help_text="附件:pdf、jpg、png、docx、xlsx"
    )
    created_by = serializers.CharField(source="created_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = SupervisionReport
        fields = [
            "id",
            "reported_on",
            "progress",
            "upload",
            "original_name",
            "size",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "original_name", "size", "created_by", "created_at"]


class SupervisionViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """挂牌督办 listings (六(四)). ``POST`` (city land bureau) lists a parcel or a region's task; ``…/lift/``
    lifts it with a reason; ``…/reports/`` lists or adds progress reports (multipart, optional ``upload``)."""

    queryset = Supervision.objects.select_related("region", "parcel", "listed_by", "lifted_by")
    serializer_class = LandSupervisionSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = super().get_queryset()
        wanted = self.request.query_params.get("status")
        if self.action == "list" and wanted in Supervision.Status.values:
            queryset = queryset.filter(status=wanted)
        return queryset

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = oversight.supervision_open(
            actor=self.request.user,
            region=data.get("region"),
            parcel=data.get("parcel"),
            reason=data.get("reason", ""),
            responsible_unit=data.get("responsible_unit", ""),
            due_on=data.get("due_on"),
        )

    @extend_schema(request=LiftSerializer, responses=LandSupervisionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def lift(self, request, pk=None):
        supervision = self.get_object()
        serializer = LiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifted = oversight.supervision_lift(
            actor=request.user, supervision=supervision, **serializer.validated_data
        )
        return Response(LandSupervisionSerializer(lifted, context=self.get_serializer_context()).data)

    @extend_schema(methods=["GET"], responses=LandSupervisionReportSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": LandSupervisionReportSerializer,
            "application/json": LandSupervisionReportSerializer,
        },
        responses={201: LandSupervisionReportSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        permission_classes=[ReadThenServicePermission],
    )
    def reports(self, request, pk=None):
        supervision = self.get_object()
        if request.method == "GET":
            rows = visible_to(request.user, supervision.reports.select_related("created_by"))
            return Response(LandSupervisionReportSerializer(rows, many=True).data)
        serializer = LandSupervisionReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = oversight.supervision_report(
            actor=request.user,
            supervision=supervision,
            reported_on=data["reported_on"],
            progress=data["progress"],
            upload=data.get("upload"),
        )
        return Response(LandSupervisionReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- report deadlines -----------------------------------------------------------------------------------


class DeadlineReportSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    deadline = serializers.PrimaryKeyRelatedField(
        queryset=ReportDeadline.objects.all(), help_text="报送时限 id"
    )
    deadline_title = serializers.CharField(source="deadline.title", read_only=True)
    region = serializers.CharField(source="region.name", read_only=True, allow_null=True)
    upload = serializers.FileField(write_only=True, help_text="pdf、jpg、png、docx、xlsx")
    state = serializers.SerializerMethodField(help_text="submitted(按时报送)或 late(逾期报送)")
    submitted_by = serializers.CharField(source="submitted_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = DeadlineReport
        fields = [
            "id",
            "deadline",
            "deadline_title",
            "region",
            "upload",
            "original_name",
            "size",
            "note",
            "state",
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = ["id", "original_name", "size", "submitted_at"]

    def get_state(self, report) -> str:
        return oversight.report_state(report.deadline.due_on, report.submitted_at)


class DeadlineReportViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """报送材料: a county's document for a county deadline (its own region), the city bureau's for a city one."""

    queryset = DeadlineReport.objects.select_related("deadline", "region", "submitted_by")
    serializer_class = DeadlineReportSerializer
    filter_backends = []
    parser_classes = [MultiPartParser, FormParser]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = oversight.deadline_report_submit(
            actor=self.request.user,
            deadline=data["deadline"],
            upload=data["upload"],
            note=data.get("note", ""),
        )


class ReportStatusView(APIView):
    """Deadline × region with state (``pending`` 未报, ``submitted`` 已报, ``late`` 逾期报送; ``overdue``: not
    reported and past the deadline). A county user sees its own row; city users also the city's deadlines."""

    queryset = DeadlineReport.objects.none()  # for ModelPermissions: needs land.view_deadlinereport

    @extend_schema(parameters=[YEAR], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        campaign = selectors.campaign_for_year(parse_year(request.query_params.get("year")))
        if campaign is None:
            return Response({"detail": "未找到,或无权查看。", "code": "not_found", "errors": []}, status=404)
        matrix = oversight.report_matrix(request.user, campaign, timezone.localdate())

        def cells(row):
            return [
                {
                    "deadline": cell.deadline.pk,
                    "title": cell.deadline.title,
                    "due_on": cell.deadline.due_on,
                    "state": cell.state,
                    "overdue": cell.overdue,
                    "reports": [report.pk for report in cell.reports],
                }
                for cell in row.cells
            ]

        return Response(
            {
                "year": campaign.year,
                "regions": [{"region": row.name, "deadlines": cells(row)} for row in matrix["rows"]],
                "city": cells(matrix["city_row"]) if matrix["city_row"] else None,
            }
        )


# --- 建设用地报件 -------------------------------------------------------------------------------------------


class LandApplicationSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    region = RegionNameField()
    refusal_reason = serializers.CharField(read_only=True, help_text="未予受理的原因;已受理为空")

    class Meta:
        model = LandApplication
        fields = [
            "id",
            "region",
            "project_name",
            "applicant",
            "area_mu",
            "applied_on",
            "category",
            "exception_reason",
            "note",
            "status",
            "refusal_reason",
            "suspended",
            "missed_milestones",
            "created_at",
        ]
        read_only_fields = ["id", "status", "suspended", "missed_milestones", "created_at"]


class LandApplicationViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """建设用地报件 register (六(五)). ``POST`` answers 201 (``status: accepted``) or, while the region is suspended
    and the project is neither a national key nor a livelihood project, 409 with the refused attempt — which is
    recorded (``status: refused``) all the same."""

    queryset = LandApplication.objects.select_related("region")
    serializer_class = LandApplicationSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = super().get_queryset()
        wanted = self.request.query_params.get("status")
        if self.action == "list" and wanted in LandApplication.Status.values:
            queryset = queryset.filter(status=wanted)
        return queryset

    @extend_schema(responses={201: LandApplicationSerializer, 409: OpenApiTypes.OBJECT})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = oversight.application_register(actor=request.user, data=dict(serializer.validated_data))
        body = self.get_serializer(application).data
        if application.status == LandApplication.Status.REFUSED:
            return Response(
                {
                    "detail": application.refusal_reason,
                    "code": "suspended",
                    "errors": [],
                    "application": body,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(body, status=status.HTTP_201_CREATED)
