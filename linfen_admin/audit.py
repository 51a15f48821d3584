"""Explicit audit rows, written by each service in the same transaction as the change it records.

Signal-based libraries miss ``update()``, ``bulk_create`` and bulk imports (django-simple-history's and django-auditlog's documented limits);
writing the row from the service works on SQLite and PostgreSQL alike and covers bulk writes through
``record_many``.
"""

import datetime
import decimal
import functools
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .bulk import insert_many
from .models import AuditEvent

Action = AuditEvent.Action


_AS_IS = frozenset({str, int, bool, float, type(None)})


def snapshot_value(value):
    """A field's value as JSON-friendly data."""
    if type(value) in _AS_IS:  # most values: first
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [snapshot_value(item) for item in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict:
    """Concrete field values of ``obj`` as JSON-friendly data (Decimal and dates as strings)."""
    data = {}
    for field in obj._meta.concrete_fields:
        data[field.attname] = snapshot_value(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    if not before:  # a creation (100,000 of them in an import): every value that is there
        return {key: [None, value] for key, value in (after or {}).items() if value is not None}
    after = after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def region_id_of(obj: models.Model):
    path = getattr(type(obj), "scope_region_field", None)
    if not path:
        return None
    if path == "pk":
        return obj.pk
    target = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def _actor_fields(actor) -> dict:
    """Every row names a real person or the system account (``accounts.system_user``), never nobody."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        raise ValueError("an audit row needs a real actor: a signed-in user or accounts.system_user()")
    return {"actor": actor, "actor_name": str(actor.display_name)[:150]}


def _event(*, actor, action, obj, changes, comment) -> AuditEvent:
    return AuditEvent(
        **_actor_fields(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        region_id=region_id_of(obj),
        changes=changes,
        comment=comment or "",
    )


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
) -> AuditEvent:
    """Record one change of ``obj``. ``before``/``after`` are ``snapshot`` dicts (``None`` on create/delete)."""
    event = _event(actor=actor, action=action, obj=obj, changes=diff(before, after), comment=comment)
    event.save()
    return event


def record_created(*, actor, obj: models.Model, comment: str = "") -> AuditEvent:
    return record(actor=actor, action=Action.CREATE, obj=obj, after=snapshot(obj), comment=comment)


def record_deleted(*, actor, obj: models.Model, before: dict, comment: str = "") -> AuditEvent:
    return record(actor=actor, action=Action.DELETE, obj=obj, before=before, comment=comment)


def record_many(
    *, actor, action: str, changes: Iterable[tuple[models.Model, dict | None, dict | None]], comment: str = ""
) -> int:
    """Bulk version for imports: one INSERT for many rows. ``changes`` yields (obj, before, after)."""
    events = [
        _event(actor=actor, action=action, obj=obj, changes=diff(before, after), comment=comment)
        for obj, before, after in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def record_new_rows(
    *, actor, action: str, model, rows: Iterable[tuple[object, str, int | None, dict]], comment: str = ""
) -> int:
    """``record_many`` for rows a bulk write created without model instances (an import of 100,000 parcels):
    ``rows`` yields (primary key, what the row is called, its region's key, its ``snapshot``). The same audit rows,
    written in one array statement (``bulk.insert_many``)."""
    actor_fields = _actor_fields(actor)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    at = timezone.now()
    events = [
        (
            at,
            actor_fields["actor"].pk,
            actor_fields["actor_name"],
            action,
            content_type.pk,
            str(pk),
            str(name)[:200],
            region_id,
            diff(None, after),
            comment or "",
        )
        for pk, name, region_id, after in rows
    ]
    fields = ["at", "actor", "actor_name", "action", "content_type", "object_id", "object_repr", "region"]
    insert_many(AuditEvent, [*fields, "changes", "comment"], events)
    return len(events)


def history_for(obj: models.Model):
    """The audit trail of one object, newest first. Callers have already checked the user may see ``obj``."""
    return AuditEvent.objects.for_object(obj).select_related("actor")


# --- in people's words ----------------------------------------------------------------------------------------


@functools.cache
def _fields_by_key(model) -> dict:
    """A model's fields by the keys a snapshot uses (``attname``, e.g. ``region_id``) and by name (``groups``)."""
    fields = {}
    for field in model._meta.get_fields():
        fields[field.name] = field
        if getattr(field, "attname", None):
            fields[field.attname] = field
    return fields


def _field(model, key):
    return None if model is None else _fields_by_key(model).get(key)


def _readable_value(field, value, related_cache: dict) -> str:
    from django.utils import timezone
    from django.utils.translation import gettext

    if value is None or value == "":
        return "—"
    if field is None:
        return "、".join(map(str, value)) if isinstance(value, list) else str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("是") if value else gettext("否")
    if field.is_relation and field.many_to_one and not isinstance(value, str | list):
        key = (field.related_model, value)
        if key not in related_cache:
            related = field.related_model._default_manager.filter(pk=value).first()
            related_cache[key] = str(related) if related is not None else f"#{value}"
        return related_cache[key]
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def readable_changes(event: AuditEvent, related_cache: dict | None = None) -> list[tuple[str, str, str]]:
    """``(label, before, after)`` per changed field: the field's Chinese label, choice labels, the related row's
    name instead of its id, local times — what the audit page and its export show."""
    cache = {} if related_cache is None else related_cache
    model = event.content_type.model_class()
    rows = []
    for key, pair in (event.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        rows.append((label, _readable_value(field, before, cache), _readable_value(field, after, cache)))
    return rows
