"""Reads of the shell that modules use: who holds a role where."""

from django.db.models import Q, QuerySet

from .models import User
from .roles import GROUP_NAMES


def users_with_role(*roles: str, region=None, department=None, include_city_level: bool = False) -> QuerySet:
    """Active users holding any of ``roles``; narrowed to a region and/or department when given.

    ``include_city_level`` keeps users without a region (city level) alongside the region's own users.
    """
    users = User.objects.filter(is_active=True, groups__name__in=[GROUP_NAMES[role] for role in roles])
    if region is not None:
        region_q = Q(region=region)
        if include_city_level:
            region_q |= Q(region__isnull=True)
        users = users.filter(region_q)
    if department is not None:
        users = users.filter(department=department)
    return users.distinct().order_by("pk")
