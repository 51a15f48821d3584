"""Helpers every module's pages use to show a service's refusal on the form that asked for it."""

from django.core.exceptions import PermissionDenied, ValidationError

from .exceptions import FieldNotAllowed


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
