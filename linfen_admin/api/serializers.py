from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Notification, Region, User
from ..scoping import regions_for


class RefuseReadOnlyFieldsMixin:
    """A field the client may read but not write — computed (disposed area, flags, the award), derived (a
    parcel's status follows its disposals) or set by a workflow step — is refused with 400 naming it, instead of
    DRF's silent drop that lets a client believe it was set."""

    read_only_message = _("此项由系统计算或由办理环节确定,不能直接提交。")

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            refused = {
                name: [self.read_only_message]
                for name, field in self.fields.items()
                if field.read_only and name in data
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="出错的字段(嵌套字段以 . 连接);空字符串表示整体")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every refusal of the API: a message, a machine-readable code and the fields at fault (may be empty)."""

    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="invalid、not_authenticated、authentication_failed、permission_denied、not_found、conflict、"
        "throttled、locked_out 等"
    )
    errors = ErrorItemSerializer(many=True)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, refusing a value with a NUL character as invalid (400) before it reaches the database.

    PostgreSQL cannot hold NUL in text and psycopg raises ``DataError`` for it, which DRF's field does not catch
    (it catches ``ValueError``): the lookup would answer 500 there, and a plain "not found" on SQLite."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class RegionNameField(SlugRelatedField):
    """Regions are referred to by name in the API; full-width padding ("古　 县") is accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "name")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(Region.normalise_name(data))

    def get_queryset(self):
        request = self.context.get("request")
        if request is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            return regions_for(request.user)
        return super().get_queryset()


class MeSerializer(serializers.ModelSerializer):
    # City-level users have no region, some accounts no department: null, as the schema says. ``allow_null``
    # rather than ``default=None``: DRF skips a default on a partial update, so a PATCH would drop the key.
    region = serializers.CharField(source="region.name", allow_null=True, read_only=True)
    department = serializers.CharField(source="department.name", allow_null=True, read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "region",
            "department",
            "roles",
            "email_notifications",
        ]
        read_only_fields = ["id", "username", "full_name", "email", "region", "department", "roles"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)


class NotificationSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "rule",
            "object_type",
            "object_id",
            "period",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields
