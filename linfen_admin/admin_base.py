"""Admin mixins every module's ModelAdmin uses: scoping through ``scoping`` and an audit row per change."""

from django.contrib import admin

from . import audit
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


class AuditedAdminMixin:
    """Admin saves and deletes write an audit row, like every service does."""

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
        audit.record(actor=request.user, action=action, obj=obj, before=before, after=after,
                     comment="系统管理后台")

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
            audit.record_deleted(actor=request.user, obj=obj, before=before.get(obj.pk) or audit.snapshot(obj),
                                 comment="系统管理后台")
            obj.delete()
        changed = {obj.pk for obj, _fields in formset.changed_objects}
        for obj in instances:
            obj.save()
            if obj.pk in changed:
                audit.record(actor=request.user, action=audit.Action.UPDATE, obj=obj, before=before.get(obj.pk),
                             after=audit.snapshot(obj), comment="系统管理后台")
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
