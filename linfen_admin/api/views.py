from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..models import Notification, Region
from .serializers import MeSerializer, NotificationSerializer, RegionSerializer


class TokenView(ObtainAuthToken):
    """``POST {username, password}`` → ``{"token"}``; then send ``Authorization: Token …``."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    # Signs in by the posted credentials alone, as its schema says (``auth=[]``): a stale ``Authorization`` header
    # sent along must not turn the request into a 401 before the credentials are even read.
    authentication_classes = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
                "otp": serializers.CharField(
                    required=False, help_text="须启用双因素认证的账号(可进入系统管理者):身份验证器的验证码"
                ),
            },
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        from rest_framework.authtoken.models import Token

        from .. import twofactor

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.must_change_password:
            raise serializers.ValidationError(
                {"password": ["首次登录(或管理员重设密码后)须先在网页上修改密码。"]}
            )
        if twofactor.required_for(user):
            # An account that can open 系统管理 gets no token on a password alone.
            if not twofactor.enrolled(user):
                raise serializers.ValidationError({"otp": ["请先在网页上启用双因素认证。"]})
            if twofactor.verify(user, str(request.data.get("otp", ""))) is None:
                raise serializers.ValidationError({"otp": ["请提供身份验证器当前显示的验证码(otp)。"]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def get_serializer_context(self):
        # The sign-in lockout (django-axes) counts failures on Django's own request object, and its middleware
        # answers a locked-out request from there: hand that one to ``authenticate``, not DRF's wrapper.
        return {**super().get_serializer_context(), "request": self.request._request}


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 19 regions of 附件 2, in its order. Reference data: readable by every signed-in user."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []


class MeView(generics.RetrieveUpdateAPIView):
    """Who am I: roles, region, department; ``PATCH {"email_notifications"}`` turns e-mail digests on or off."""

    serializer_class = MeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox (``?unread=true`` for unread only). Nobody reads another person's inbox."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = Notification.objects.none()

    def get_queryset(self):
        queryset = Notification.objects.filter(recipient=self.request.user).select_related("content_type")
        if self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification as read."""
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every unread notification of the caller as read."""
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under ``/api/v1/`` — an unknown path, or a path parameter the route does not accept
    (``/regions/1.5/``) — answers the API's JSON 404 like every other refusal, not the site's HTML error page."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def initial(self, request, *args, **kwargs):
        raise Http404  # before method dispatch: every method, GET to DELETE, gets the same answer
