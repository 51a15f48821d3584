"""Thin API views: parse, call one service, answer. Scoping through ``linfen_admin.scoping`` (via selectors)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from linfen_admin.api.exceptions import Conflict
from linfen_admin.api.viewsets import ScopedModelViewSet, ScopedViewSetMixin
from linfen_admin.scoping import get_visible_or_404

from .. import selectors, services
from ..filtersets import ApplicationFilter
from ..models import AllocationPlan, Application, ReviewCommittee
from . import serializers as s


class CanQuote(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm("subsidies.view_awardrule")
        )


class AwardQuoteView(APIView):
    """第七条 award for one set of parameters. Ineligible → 200 with ``eligible: false`` and the reasons."""

    permission_classes = [CanQuote]

    @extend_schema(request=s.AwardQuoteRequestSerializer, responses=s.AwardQuoteSerializer)
    def post(self, request):
        params = s.AwardQuoteRequestSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        credit_code, call = data.pop("credit_code", ""), data.pop("call", None)
        quote = selectors.award_quote(data, credit_code=credit_code, call=call, user=request.user)
        return Response(s.AwardQuoteSerializer(quote.as_dict()).data)


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """年度申报通知 (published calls, readable by every holder of ``view_call``)."""

    serializer_class = s.CallSerializer
    queryset = selectors.Call.objects.none()
    filterset_fields = ["year", "domain"]

    def get_queryset(self):
        return selectors.calls_visible_to(self.request.user)


def _service_errors(func):
    """Map service exceptions to the API's status codes (403 / 409; 400 and 404 go through the handler)."""
    try:
        return func()
    except (services.TransitionConflict, services.StateConflict) as exc:
        raise Conflict(str(exc)) from exc


class ApplicationViewSet(ScopedModelViewSet):
    """申报: county staff enter and edit (draft/returned); everyone else reads within their scope."""

    queryset = Application.objects.select_related("call", "region")
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter
    search_fields = []
    ordering_fields = ["created_at", "award_wan", "state_changed_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _service_errors(
            lambda: services.application_create(actor=self.request.user, **data)
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _service_errors(
            lambda: services.application_update(
                actor=self.request.user, application_id=serializer.instance.pk, **data
            )
        )

    @extend_schema(request=s.TransitionRequestSerializer, responses=s.TransitionSerializer)
    @action(
        detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated], filter_backends=[]
    )
    def transitions(self, request, pk=None):
        """Take a workflow action. 403: the role may never take it here; 409: not in the current state."""
        application = self.get_object()
        body = s.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        action_name, comment, version = data.pop("action"), data.pop("comment", ""), data.pop("version", None)
        step = _service_errors(
            lambda: services.application_transition(
                application_id=application.pk,
                actor=request.user,
                action=action_name,
                comment=comment,
                data=data,
                expected_version=version,
            )
        )
        return Response(s.TransitionSerializer(step).data, status=status.HTTP_200_OK)

    @extend_schema(request=s.CapExceptionRequestSerializer, responses=s.ApplicationSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="cap-exception",
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def cap_exception(self, request, pk=None):
        """第七条(一) 原则上不超过 1000 万元: the city bureau records (or, with an empty reason, withdraws) an
        exception to the cap, with its reason. 403 for another role or domain; 409 outside the city's review."""
        application = self.get_object()
        body = s.CapExceptionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = _service_errors(
            lambda: services.application_cap_exception(
                actor=request.user, application_id=application.pk, reason=body.validated_data["reason"]
            )
        )
        return Response(s.ApplicationSerializer(changed, context={"request": request}).data)

    @extend_schema(responses=s.TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """Every workflow step of the application, oldest first."""
        application = self.get_object()
        return Response(s.TransitionSerializer(selectors.history_for(application), many=True).data)

    @extend_schema(request=s.ScoreRequestSerializer, responses=s.ExpertAssignmentSerializer)
    @action(
        detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated], filter_backends=[]
    )
    def scores(self, request, pk=None):
        """An assigned expert scores the application (专家评审)."""
        application = self.get_object()
        body = s.ScoreRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = _service_errors(
            lambda: services.expert_score_submit(
                application_id=application.pk, expert=request.user, **body.validated_data
            )
        )
        return Response(s.ExpertAssignmentSerializer(assignment).data)

    @extend_schema(methods=["get"], responses=s.DocumentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,  # the list is the application's few documents, whole (as ``history`` is)
    )
    def documents(self, request, pk=None):
        """List the application's documents, or upload one (pdf/jpg/png/docx/xlsx, size-limited)."""
        application = self.get_object()
        if request.method == "GET":
            return Response(s.DocumentSerializer(selectors.documents_for(application), many=True).data)
        if not request.user.has_perm("subsidies.add_document"):
            raise DRFPermissionDenied()
        body = s.DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.document_upload(
            actor=request.user,
            application=application,
            uploaded_file=body.validated_data["file"],
            kind=body.validated_data["kind"],
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ReviewCommitteeViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, GenericViewSet
):
    """评审委员会 (第八条(三)): the city bureau of the call's domain forms the committee of a round — members with
    name and unit, the 驻局纪检组 member flagged. Read by the bureau, 市财政局 and the leading group."""

    queryset = ReviewCommittee.objects.select_related("call").prefetch_related("members")
    serializer_class = s.ReviewCommitteeSerializer
    filterset_fields = ["call", "round"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.committee_create(
            actor=self.request.user,
            call=data["call"],
            round=data.get("round", 1),
            formed_on=data["formed_on"],
            members=[dict(member) for member in data["members"]],
        )


class AllocationPlanViewSet(ScopedViewSetMixin, mixins.ListModelMixin, GenericViewSet):
    """资金分配方案 (第八条(三)(四)): drafted by the city bureau of the call's domain with its applications (拟支持)
    and amounts within the budget (``POST plans/``, changed while a draft with ``lines/``), 报市政府审定
    (``submit/``), 市政府审定 as one act (``approve/``: every listed application moves to 市政府已审定), then
    抄送财政局 (``finance-copy/``). Each step names its ``plan`` in the body; a plan the caller may not see answers
    404, a status that does not allow the step 409."""

    queryset = AllocationPlan.objects.select_related("call").prefetch_related("lines__application__region")
    serializer_class = s.AllocationPlanSerializer
    filterset_fields = ["call", "status"]

    def _out(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.AllocationPlanSerializer(plan, context={"request": self.request}).data, status=code)

    def _plan(self, body):
        """The plan the body names, if the caller may see it (404 otherwise)."""
        return get_visible_or_404(
            self.request.user, AllocationPlan.objects.all(), pk=body.validated_data["plan"]
        )

    @extend_schema(request=s.AllocationPlanWriteSerializer, responses={201: s.AllocationPlanSerializer})
    def create(self, request, *args, **kwargs):
        body = s.AllocationPlanWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = services.allocation_plan_create(
            actor=request.user,
            call=data["call"],
            title=data.get("title", ""),
            lines=[(line["application"], line["amount_wan"]) for line in data.get("lines", [])],
        )
        return self._out(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanLinesSerializer, responses=s.AllocationPlanSerializer)
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def lines(self, request):
        """Change a draft plan's title or lines."""
        body = s.PlanLinesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan, data = self._plan(body), body.validated_data
        changed = _service_errors(
            lambda: services.allocation_plan_update(
                actor=request.user,
                plan_id=plan.pk,
                title=data.get("title"),
                lines=[(line["application"], line["amount_wan"]) for line in data["lines"]]
                if "lines" in data
                else None,
            )
        )
        return self._out(changed)

    @extend_schema(request=s.PlanRefSerializer, responses=s.AllocationPlanSerializer)
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request):
        """报市政府审定: the plan is checked again and can no longer be changed."""
        body = s.PlanRefSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = self._plan(body)
        return self._out(
            _service_errors(lambda: services.allocation_plan_submit(actor=request.user, plan_id=plan.pk))
        )

    @extend_schema(request=s.PlanApproveSerializer, responses=s.AllocationPlanSerializer)
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request):
        """市政府审定: every listed application takes the ``approve`` step, or none does."""
        body = s.PlanApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan, data = self._plan(body), dict(body.validated_data)
        data.pop("plan")
        return self._out(
            _service_errors(
                lambda: services.allocation_plan_approve(actor=request.user, plan_id=plan.pk, **data)
            )
        )

    @extend_schema(request=s.PlanFinanceCopySerializer, responses=s.AllocationPlanSerializer)
    @action(
        detail=False, methods=["post"], url_path="finance-copy", filter_backends=[], pagination_class=None
    )
    def finance_copy(self, request):
        """抄送财政局: the date and the person at 市财政局 who received the approved plan."""
        body = s.PlanFinanceCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan, data = self._plan(body), dict(body.validated_data)
        data.pop("plan")
        return self._out(
            _service_errors(
                lambda: services.allocation_plan_copy_to_finance(actor=request.user, plan_id=plan.pk, **data)
            )
        )
