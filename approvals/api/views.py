from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from linfen_admin.api.exceptions import Conflict
from linfen_admin.api.viewsets import ScopedViewSetMixin

from .. import services
from ..filtersets import CaseFilter
from ..models import Case, DrawnEntity, InspectionDraw, Item, LicensedEntity, Supervision
from .serializers import (
    CaseSerializer,
    DecisionSerializer,
    DrawnEntitySerializer,
    ExtensionSerializer,
    InspectionDrawSerializer,
    ItemSerializer,
    ResultSerializer,
    RevocationSerializer,
    SupervisionSerializer,
)


class ItemViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The 19 items of 临政发〔2022〕5 号. Published reference data (``Item.scope_public``): every role reads all."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    lookup_field = "number"
    filter_backends = []


class CaseViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """办件: only the handling department's officers see and handle a case; another's answers 404.
    Creating a case for an item/region handled by another department answers 403 with the reason."""

    queryset = Case.objects.select_related("item", "region", "department", "location", "licensee")
    serializer_class = CaseSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = CaseFilter
    ordering_fields = ["accepted_on", "due_on", "decided_on"]

    def _step(self, func, **kwargs):
        try:
            case = func(actor=self.request.user, case=self.get_object(), **kwargs)
        except services.CaseConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=DecisionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """准予 (approved) / 不予 (denied) 许可; 409 when already decided."""
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(services.case_decide, **body.validated_data)

    @extend_schema(request=ExtensionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Move ``due_on`` by 10 working days, once; 409 the second time."""
        body = ExtensionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(services.case_extend, reason=body.validated_data["reason"])

    @extend_schema(request=RevocationSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """撤销 (rescinded) / 吊销 (revoked) the licence the case granted, with reason and date; 409 when the case
        granted none or it is revoked already. Item 17: the applicant's new cases are refused for a year."""
        body = RevocationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self.get_object()
        licence = LicensedEntity.objects.filter(case=case).first()
        if licence is None:
            raise Conflict(_("该办件未准予许可,没有可撤销的许可。"))
        try:
            services.entity_revoke(actor=request.user, entity=licence, **body.validated_data)
        except services.CaseConflict as exc:
            raise Conflict(str(exc)) from exc
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)


class SupervisionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """监管台账: the decided cases a supervising department supervises (第 17、18 项 备注). Each department's users
    list their own rows (a county department: its county's applicants; a city one: all of them)."""

    queryset = Supervision.objects.select_related(
        "case__item", "case__department", "case__location", "department", "region"
    )
    serializer_class = SupervisionSerializer
    filter_backends = []


class InspectionDrawViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """双随机抽查: ``POST {item, ratio, seed?}`` draws and stores the result with its seed and snapshot."""

    queryset = InspectionDraw.objects.select_related("item", "region", "risk_level").prefetch_related(
        "drawn__entity", "drawn__inspectors"
    )
    serializer_class = InspectionDrawSerializer
    filter_backends = []

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        the_draw = serializer.save()
        the_draw = self.get_queryset().get(pk=the_draw.pk)
        return Response(self.get_serializer(the_draw).data, status=status.HTTP_201_CREATED)


class DrawnEntityViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Drawn entities and their inspection results; ``POST …/{id}/result/`` by one of its drawn inspectors."""

    queryset = DrawnEntity.objects.select_related("entity").prefetch_related("inspectors")
    serializer_class = DrawnEntitySerializer
    filter_backends = []

    @extend_schema(request=ResultSerializer, responses=DrawnEntitySerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def result(self, request, pk=None):
        body = ResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        drawn = services.result_record(
            actor=request.user,
            drawn=self.get_object(),
            result=data["result"],
            checked_on=data["checked_on"],
            note=data["note"],
        )
        return Response(DrawnEntitySerializer(drawn).data)
