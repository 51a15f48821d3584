"""Admin mixins every module's ModelAdmin uses: reads through ``scoping``, writes through the module's services.

- ``ScopedAdminMixin``: the list, change form, export and delete start from ``scoping.visible_to``.
- ``ServiceAdminMixin``: add, change and delete (inline rows included) call the module's services, so a rule
  the services enforce — a version lock, "area ≥ disposed", who may set 挂牌督办 — holds here too, with no copy
  of it in the admin. A service's refusal is shown on the form beside its field, the input kept.
- ``ReadOnlyAdminMixin``: records that change only through their workflow (or never) are shown, not edited.
Every domain model's admin uses either ``ServiceAdminMixin`` or ``ReadOnlyAdminMixin`` (a test holds it).
"""

from contextlib import contextmanager

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from . import audit
from .forms import add_service_errors
from .scoping import departments_for, editable_by, regions_for, visible_to


class ScopedAdminMixin:
    """The admin list, change form, export and delete all start from ``scoping.visible_to``."""

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return editable_by(request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        return allowed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from .models import Department, Region

        if db_field.related_model is Region:
            kwargs["queryset"] = regions_for(request.user)
        elif db_field.related_model is Department:
            kwargs["queryset"] = departments_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceAdminMixin:
    """Add, change and delete through the module's services (see the module docstring).

    Subclasses implement ``service_save(request, obj, form, change)`` (returning the saved object) and
    ``service_delete(request, obj)``; admins with inlines implement ``service_save_inline`` and
    ``service_delete_inline``. The object handed in has the form's values applied; the service reads the stored
    row itself (under a lock) for its checks and the audit row's "before".
    """

    def service_save(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__} must save through a service")

    def service_delete(self, request, obj):
        raise NotImplementedError(f"{type(self).__name__} must delete through a service")

    def service_save_inline(self, request, obj, formset, change):
        raise NotImplementedError(f"{type(self).__name__} must save {type(obj).__name__} through a service")

    def service_delete_inline(self, request, obj):
        raise NotImplementedError(f"{type(self).__name__} must delete {type(obj).__name__} through a service")

    def save_model(self, request, obj, form, change):
        with _refusals():
            saved = self.service_save(request, obj, form, change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk  # the admin's own log entry and redirect use ``obj``

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        with _refusals():
            for obj in formset.deleted_objects:
                self.service_delete_inline(request, obj)
            for obj in instances:
                self.service_save_inline(request, obj, formset, change)
        formset.save_m2m()

    def delete_model(self, request, obj):
        with _refusals():
            self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), _refusals():  # all of the selection or none of it
            for obj in queryset:
                self.service_delete(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A service that refuses the save (after the form's own checks passed) rolls the admin's transaction
        back; the form is then shown again with the service's errors beside their fields and the input kept."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            if hasattr(request, "_service_refusal"):
                raise refused.error from refused
            request._service_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                data = super().clean()
                add_service_errors(self, refusal)
                return data

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            messages.error(request, refused.text)
            return HttpResponseRedirect(request.path)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except ServiceRefused as refused:
            messages.error(request, refused.text)
            return HttpResponseRedirect(request.get_full_path())


class ServiceRefused(Exception):
    """A service said no (``ValidationError`` or ``PermissionDenied``); kept apart from the admin's own 403s."""

    def __init__(self, error: ValidationError | PermissionDenied):
        self.error = error
        super().__init__(str(error))

    @property
    def text(self) -> str:
        if isinstance(self.error, ValidationError):
            return ";".join(self.error.messages)
        return str(self.error) or "您无权执行此操作。"


@contextmanager
def _refusals():
    try:
        yield
    except (ValidationError, PermissionDenied) as exc:
        raise ServiceRefused(exc) from exc


class AuditedAdminMixin:
    """Shell reference data (regions, departments, users): admin saves and deletes write an audit row. Domain
    models of the modules use ``ServiceAdminMixin`` instead."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(previous) if previous else None
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        if change and not audit.diff(before, after):
            return  # saved unchanged: nothing happened worth a row
        action = audit.Action.UPDATE if change else audit.Action.CREATE
        audit.record(
            actor=request.user, action=action, obj=obj, before=before, after=after, comment="系统管理后台"
        )

    def save_formset(self, request, form, formset, change):
        """Inline rows (a campaign's milestones, a year's holidays) are changes too: one audit row each.

        The "before" values are read from the database: the formset's own objects were already changed
        in place when the forms were validated.
        """
        model = formset.model
        touched = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = {obj.pk: audit.snapshot(obj) for obj in model._default_manager.filter(pk__in=touched)}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record_deleted(
                actor=request.user,
                obj=obj,
                before=before.get(obj.pk) or audit.snapshot(obj),
                comment="系统管理后台",
            )
            obj.delete()
        changed = {obj.pk for obj, _fields in formset.changed_objects}
        for obj in instances:
            obj.save()
            if obj.pk in changed:
                audit.record(
                    actor=request.user,
                    action=audit.Action.UPDATE,
                    obj=obj,
                    before=before.get(obj.pk),
                    after=audit.snapshot(obj),
                    comment="系统管理后台",
                )
            else:
                audit.record_created(actor=request.user, obj=obj, comment="系统管理后台")
        formset.save_m2m()

    def delete_model(self, request, obj):
        before = audit.snapshot(obj)
        audit.record_deleted(actor=request.user, obj=obj, before=before, comment="系统管理后台")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin:
    """For records that change only through their services (workflows, cases) or never (audit, rules):
    the admin shows them and offers no add, change or delete, to superusers neither."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAuditedAdmin(ScopedAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    pass
