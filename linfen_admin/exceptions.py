"""Exceptions services raise that every channel (page, API, admin, import) renders the same way."""

from django.core.exceptions import PermissionDenied


class FieldNotAllowed(PermissionDenied):
    """The actor may change the object, but not this field (e.g. only the city land bureau sets 挂牌督办).

    The API answers 403 naming ``field``; forms show ``message`` beside the field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)
