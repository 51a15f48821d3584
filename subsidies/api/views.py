"""Thin API views: parse, call one service, answer. Scoping through ``linfen_admin.scoping`` (via selectors)."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linfen_admin.api.exceptions import Conflict
from linfen_admin.api.viewsets import ScopedModelViewSet

from .. import selectors, services
from ..filtersets import ApplicationFilter
from ..models import Application
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
