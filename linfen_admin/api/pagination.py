from functools import partial

from rest_framework.pagination import PageNumberPagination

from ..lists import IdsFirstPaginator


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page=`` and ``?page_size=`` (at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdsFirstPagination(Pagination):
    """The same answer, each page fetched keys first (``linfen_admin.lists.IdsFirstPaginator``): for long lists. A
    view with ``known_count(request)`` (an int, or None) gives the list's length where it is kept elsewhere."""

    django_paginator_class = IdsFirstPaginator

    def paginate_queryset(self, queryset, request, view=None):
        known = getattr(view, "known_count", None)
        count = known(request) if known is not None else None
        self.django_paginator_class = partial(IdsFirstPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
