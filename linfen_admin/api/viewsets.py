"""Base classes every module's API builds on, so that scoping can not be forgotten."""

from rest_framework import mixins, viewsets

from ..scoping import visible_to


class ScopedViewSetMixin:
    """``get_queryset`` goes through ``scoping.visible_to``: another region's object answers 404.

    Writes are refused with 403 by ``ModelPermissions`` when the role may not change the model at all.
    """

    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """List, create, retrieve, update. No delete: records are corrected, not erased."""
