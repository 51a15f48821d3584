"""What every list page shares: ordering by a sortable header (``?ordering=key`` or ``-key``, only the keys the page
offers, the primary key last so pages never overlap) and the same filtered list as an xlsx file."""

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse
from django.utils.functional import cached_property

from .exports import inert_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ordered(queryset, request, fields: dict[str, str], default: str, param: str = "ordering"):
    """``fields`` maps each header key to the model path it sorts by; anything else falls back to ``default``. The
    key breaks ties in the same direction, so that one index (ending in the key) serves the whole order."""
    key = request.GET.get(param, "")
    path = fields.get(key.removeprefix("-"))
    if path is None:
        if not default:
            return queryset.order_by("pk")
        return queryset.order_by(default, "-pk" if default.startswith("-") else "pk")
    return queryset.order_by(
        f"-{path}" if key.startswith("-") else path, "-pk" if key.startswith("-") else "pk"
    )


def xlsx_response(filename: str, title: str, headers: list, rows) -> FileResponse:
    """Write ``rows`` (an iterable of lists) under ``headers`` in openpyxl's write-only mode (memory stays flat),
    every text cell made inert, and send the file as an attachment."""
    output = tempfile.TemporaryFile()
    write_xlsx(output, title, headers, rows)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


def write_xlsx(target, title: str, headers: list, rows) -> None:
    """Write ``rows`` under ``headers`` to ``target`` (a path or a binary file) in openpyxl's write-only mode,
    every text cell made inert: what the exports and the background export jobs share."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append(inert_row(row))
    workbook.save(target)


class IdsFirstPaginator(Paginator):
    """A page fetched in two steps: the page's primary keys in the list's order (narrow rows, an index-only scan
    where an index serves the order), then those rows in full. ``OFFSET`` then skips keys, not whole rows with
    their joins and annotations — what makes the last page of a long list as cheap as the first.

    ``count``, when the list's length is kept elsewhere (e.g. a module's per-region counts for an unfiltered list),
    is taken instead of a ``COUNT(*)`` of the list. ``count_at_most`` counts no further than that (a search that
    matches most of a million rows is answered from its first rows, not by reading them all): past it, ``count`` is
    the cap, ``capped`` is true and only the pages up to the cap are offered."""

    def __init__(
        self,
        object_list,
        per_page,
        *args,
        count: int | None = None,
        count_at_most: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._capped = False
        self._at_most = count_at_most
        if count is not None:
            self.count = count  # shadows the cached property: no query

    @cached_property
    def count(self) -> int:
        if self._at_most is None:
            return super().count
        # the keys only: an annotation the rows carry (a past date's disposed area) is not computed to count them
        counted = self.object_list.order_by().values("pk")[: self._at_most + 1].count()
        self._capped = counted > self._at_most
        return min(counted, self._at_most)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than ``count_at_most`` (counted first if they were not yet)."""
        self.count  # noqa: B018 — counting is what sets it
        return self._capped

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom * 2 > self.count and not self.capped and _ends_in_key(self.object_list):
            # Past the middle, walk from the far end: the same order reversed (it ends in the key, so it is total
            # and its reverse is exact) skips ``count − top`` keys instead of ``bottom`` — the last page costs
            # what the first does.
            keys = list(
                self.object_list.reverse().values_list("pk", flat=True)[
                    self.count - top : self.count - bottom
                ]
            )
            keys.reverse()
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


def _ends_in_key(queryset) -> bool:
    """Whether ``queryset``'s order ends in its primary key (and so is total)."""
    query = queryset.query
    order = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if not order or not isinstance(order[-1], str):
        return False
    meta = queryset.model._meta
    return order[-1].removeprefix("-") in {"pk", meta.pk.name, meta.pk.attname}
