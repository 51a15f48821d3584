"""What ``Model.clean_fields()`` checks, for many rows of values already parsed to their fields' types, without a
model instance per row (the import of a 100,000-row sheet spent half its time building instances and walking every
field of each).

The checks are the model's own, read from its field definitions once: blank and null, choices and the fields'
validators. Simple validators become plain comparisons that can only say "surely valid"; anything else — and every
value a comparison doubts — goes to the field's own ``clean()``, so a failing value gets exactly Django's message
and a validator this module does not know is still run. A comparison never passes a value Django would refuse.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)


def _passes(validator) -> Callable[[object], bool]:
    def check(value) -> bool:
        try:
            validator(value)
        except ValidationError:
            return False
        return True

    return check


def _comparison(validator) -> Callable[[object], bool]:
    """A plain check for the common validators (exact types only: a subclass may change ``compare``)."""
    kind = type(validator)
    limit = getattr(validator, "limit_value", None)
    if callable(limit):
        return _passes(validator)
    if kind is MaxLengthValidator:
        return lambda value: len(value) <= limit
    if kind is MinLengthValidator:
        return lambda value: len(value) >= limit
    if kind is MaxValueValidator:
        return lambda value: value <= limit
    if kind is MinValueValidator:
        return lambda value: value >= limit
    if kind is ProhibitNullCharactersValidator:
        return lambda value: "\x00" not in str(value)
    return _passes(validator)


class FieldChecks:
    """``errors(values)`` for the fields ``names`` of ``model``: {field name: [message, …]} of the values given
    (a field absent from ``values`` is not checked, as ``clean_fields(exclude=…)``)."""

    def __init__(self, model, names: Iterable[str]):
        self._checks = []
        for name in names:
            field = model._meta.get_field(name)
            checks = [_comparison(validator) for validator in field.validators]
            if field.choices and field.editable:
                allowed = frozenset(value for value, _label in field.flatchoices)
                checks.insert(0, allowed.__contains__)
            self._checks.append((name, field, tuple(checks)))

    def errors(self, values: dict) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        for name, field, checks in self._checks:
            if name not in values:
                continue
            value = values[name]
            if value is None or value == "" or (type(value) in (list, tuple, dict) and not value):
                if field.blank:
                    continue  # as clean_fields: a blank value of a blank field is not validated
                doubtful = True
            else:
                for check in checks:
                    if not check(value):
                        doubtful = True
                        break
                else:
                    doubtful = False
            if doubtful:
                try:
                    field.clean(value, None)
                except ValidationError as exc:
                    problems[name] = list(exc.messages)
        return problems
