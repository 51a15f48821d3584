"""The one place that decides which rows a user may see and change.

Every page, API endpoint, export and admin page of every module filters through ``visible_to`` /
``editable_by``. *What* a user may do comes from Django model permissions (granted to role groups);
*where* comes from the user's region (and, for models that declare one, department):

- a model declares ``scope_region_field`` (a lookup path to a ``Region``, e.g. ``"parcel__region"``)
  and optionally ``scope_department_field`` (a lookup path to a ``Department``);
- a user with a region sees only rows of that region; a user without one (city level) sees all;
- a user with a department sees only rows of that department, where the model declares one;
- a model that is published reference data (calls for applications, the approval catalogue, campaigns)
  declares ``scope_public = True``: everyone holding its ``view`` permission sees every row;
- a model whose rows are further limited by role (e.g. a city bureau sees only its own domain's
  applications) declares ``scope_narrow(user, queryset)`` (a classmethod returning the narrowed queryset);
  it is applied after the region and department filters, so pages, API, admin and the audit trail agree;
- a model whose rows may be read more widely than changed (a published call is changed only by the bureau
  of its domain) declares ``scope_edit_narrow(user, queryset)``, applied by ``editable_by`` alone;
- superusers see everything.

Because lists are filtered, another region's object is simply not found: views answer 404, not 403.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from .models import AuditEvent, Department, Region


def permission_name(model: type[Model], action: str) -> str:
    """``<app>.<action>_<model>``, the Django model permission of ``action`` on ``model``."""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def _within_scope(user, queryset: QuerySet) -> QuerySet:
    if user.is_superuser:
        return queryset
    model = queryset.model
    if getattr(model, "scope_public", False):
        return queryset
    region_field = getattr(model, "scope_region_field", None)
    if user.region_id is not None:
        if region_field is None:
            # A region-scoped user may never see rows that belong to no region of theirs.
            return queryset.none()
        queryset = queryset.filter(**{region_field: user.region_id})
    department_field = getattr(model, "scope_department_field", None)
    if department_field and user.department_id is not None:
        queryset = queryset.filter(**{department_field: user.department_id})
    narrow = getattr(model, "scope_narrow", None)
    if narrow is not None:
        queryset = narrow(user, queryset)
    return queryset


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """Rows of ``queryset`` that ``user`` may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if not user.has_perm(permission_name(queryset.model, "view")):
        return queryset.none()
    return _within_scope(user, queryset)


def editable_by(user, queryset: QuerySet) -> QuerySet:
    """Rows of ``queryset`` that ``user`` may change."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if not user.has_perm(permission_name(queryset.model, "change")):
        return queryset.none()
    queryset = _within_scope(user, queryset)
    narrow = getattr(queryset.model, "scope_edit_narrow", None)
    if narrow is not None and not user.is_superuser:
        queryset = narrow(user, queryset)
    return queryset


def get_visible_or_404(user, queryset: QuerySet, **lookup) -> Model:
    """The object if ``user`` may see it; otherwise 404, never 403, so other regions' ids reveal nothing."""
    try:
        return visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def audit_events_visible_to(user, events: QuerySet | None = None) -> QuerySet:
    """Audit rows ``user`` may read: those about objects ``user`` may see — an audit row carries the object's
    fields before and after, so it is exactly as confidential as the object. Used by the audit trail page, the
    admin and any API. Rows about audit rows do not exist and are never served."""
    events = AuditEvent.objects.all() if events is None else events
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return events.none()
    audit_type = ContentType.objects.get_for_model(AuditEvent)
    events = events.exclude(content_type=audit_type)
    if user.is_superuser or user.has_perm("linfen_admin.review_auditevent"):
        return events  # the 审计管理员 reads the whole trail (and nothing else)
    allowed = Q(pk__in=[])
    type_ids = events.order_by().values_list("content_type", flat=True).distinct()
    for content_type in ContentType.objects.filter(pk__in=type_ids):
        model = content_type.model_class()
        if model is None:
            continue
        visible = visible_to(user, model._default_manager.all())
        visible_ids = visible.order_by().annotate(audit_id=Cast("pk", CharField())).values("audit_id")
        allowed |= Q(content_type=content_type, object_id__in=visible_ids)
    return events.filter(allowed)


def auditable_object_or_404(user, content_type_id, object_id) -> Model:
    """The object whose audit trail is asked for, if ``user`` may see it; 404 for an unknown type, the audit
    table itself, or an object outside the user's scope."""
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
    except (ContentType.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    model = content_type.model_class()
    if model is None or model is AuditEvent:
        raise Http404
    return get_visible_or_404(user, model._default_manager.all(), pk=object_id)


def can_change(user, obj: Model) -> bool:
    return editable_by(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def regions_for(user) -> QuerySet:
    """Regions ``user`` may create or move rows into."""
    regions = Region.objects.all()
    if user.is_superuser or user.region_id is None:
        return regions
    return regions.filter(pk=user.region_id)


def departments_for(user) -> QuerySet:
    departments = Department.objects.select_related("region")
    if user.is_superuser:
        return departments
    if user.department_id is not None:
        return departments.filter(pk=user.department_id)
    if user.region_id is not None:
        return departments.filter(region_id=user.region_id)
    return departments


def require_region(user, region: Region | None) -> None:
    """Refuse to write a row into a region outside the user's scope."""
    if region is None:
        return
    if not regions_for(user).filter(pk=region.pk).exists():
        raise PermissionDenied("只能处理本区域的数据")
