"""Helpers every module's pages use to show a service's refusal on the form that asked for it."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from .exceptions import FieldNotAllowed

DASHES = "---------"


class FormRenderer(DjangoTemplates):
    """Every form of the product: an error summary at the top (it takes the focus, see ``app.js``), each field with
    its label, its errors right after the control (``aria-invalid`` and ``aria-describedby`` are Django's) and its
    help text; a field whose ``show_when`` is set (``"kind=idle"``, ``"category=a,b"``) is shown only while the
    named control has one of those values."""

    form_template_name = "linfen_admin/forms/div.html"
    field_template_name = "linfen_admin/forms/field.html"


class GuidedFormMixin:
    """Choices read in words: the empty choice of a form's selects is 请选择 rather than dashes."""

    empty_choice_label = _("请选择")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DASHES:
                    field.empty_label = self.empty_choice_label
            elif isinstance(field, forms.ChoiceField):
                field.choices = [
                    ("", self.empty_choice_label) if value == "" and label == DASHES else (value, label)
                    for value, label in field.choices
                ]


def add_service_errors(form, exc: ValidationError | PermissionDenied) -> None:
    """Put each message of a service's ``ValidationError`` (or ``FieldNotAllowed``) beside its field; messages
    about fields the form does not show, or about no field, go to the top of the form."""
    if isinstance(exc, FieldNotAllowed):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    elif isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
