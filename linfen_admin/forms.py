"""Helpers every module's pages use to show a service's refusal on the form that asked for it."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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

    def render(self, template_name, context, request=None):
        # A select is written here rather than through two template includes per option: a region choice at
        # province scale has 1,000 options, whose includes were most of a list page's time. The HTML is the
        # same as Django's templates write (a test compares them).
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return _select_html(widget)
        return super().render(template_name, context, request)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict) -> str:
    # as ``django/forms/widgets/attrs.html``: False leaves the attribute out, True writes its name alone
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select_html(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs_html(option["attrs"])}>'
                f"{conditional_escape(localize(option['label']))}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


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
