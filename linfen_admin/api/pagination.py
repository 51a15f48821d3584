from rest_framework.pagination import PageNumberPagination

from ..lists import IdsFirstPaginator


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page=`` and ``?page_size=`` (at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdsFirstPagination(Pagination):
    """The same answer, each page fetched keys first (``linfen_admin.lists.IdsFirstPaginator``): for long lists."""

    django_paginator_class = IdsFirstPaginator
