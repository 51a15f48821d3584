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


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class RegionNameField(serializers.SlugRelatedField):
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
    region = serializers.CharField(source="region.name", default=None, read_only=True)
    department = serializers.CharField(source="department.name", default=None, read_only=True)
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
