"""What the shell shows across modules. Each module registers from its own ``AppConfig.ready()``;
``linfen_admin`` never imports a module."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permission: str | None = None  # e.g. "land.view_parcel"; None: every signed-in user
    order: int = 100
    description: str = ""
    needs_cockpit: bool = False  # shown only to someone who may read at least one cockpit panel


@dataclass(frozen=True)
class SeedLoader:
    name: str
    load: Callable[[], dict]  # returns {label: count} for the command's report
    order: int = 100


@dataclass(frozen=True)
class ObjectRef:
    """A saved object named by its model and key: what a rule that reads its rows as values (no model instance
    per row) passes as ``Reminder.obj``. Equal to the instance it names."""

    model: type
    pk: Any

    def __eq__(self, other):
        if isinstance(other, ObjectRef):
            return (other.model._meta.concrete_model, other.pk) == (self.model._meta.concrete_model, self.pk)
        meta = getattr(other, "_meta", None)
        if meta is None or not hasattr(other, "pk"):
            return NotImplemented
        return meta.concrete_model is self.model._meta.concrete_model and other.pk == self.pk

    def __hash__(self):
        return hash((self.model._meta.concrete_model, self.pk))


def detail_url(url_name: str) -> Callable[[Any], str]:
    """``url(pk)`` for a route that takes one key, reversed once: a sweep builds a link per reminder without a
    ``reverse()`` per row."""
    from django.urls import reverse

    marker = 9_876_543_210
    prefix, _marker, suffix = reverse(url_name, args=[marker]).rpartition(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


@dataclass(frozen=True)
class Reminder:
    """One thing to remind about, as a rule sees it on a given day.

    ``period`` makes it unique in time: the engine sends at most one reminder per
    (rule, object, period, recipient) — e.g. the milestone date for "milestone due", the day count
    line and ISO week ("1y:2026-W49") for a county's idle land, the ISO week for "not updated for 30 days".
    """

    obj: Any  # a saved model instance, or an ``ObjectRef``
    period: str
    recipients: Iterable[Any]  # users
    title: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReminderRule:
    """A module's reminder rule: ``collect(as_of)`` derives from the database what is due on that day."""

    code: str  # "land.milestone_due"
    label: str
    collect: Callable[[datetime.date], Iterable[Reminder]]


@dataclass(frozen=True)
class Figure:
    """One figure on a workbench panel: "逾期办件 3"."""

    label: str
    value: str
    url: str = ""
    tone: str = ""  # "", "ok", "warn" or "bad"


@dataclass(frozen=True)
class Panel:
    """A workbench panel a module contributes: ``build(user)`` returns its figures, already scoped to the user."""

    label: str
    permission: str
    build: Callable[[Any], list[Figure]]
    order: int = 100


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # numbers (None for a gap), one per category


def _number(value):
    """Chart data for the script: Decimals as JSON numbers (the table keeps the exact Decimal text)."""
    return float(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Chart:
    """A chart the shell draws with ECharts and always also prints as a table (screen readers, print, no script).

    ``kind``: "bar" (grouped), "stacked" (stacked bars), "line", "funnel" or "pie". ``links`` gives, per category,
    the filtered list behind it: a click on a bar or slice, or on the table's row, opens it. ``lines`` are
    horizontal marker lines (label, value), e.g. the 50/80/100 % milestones.
    """

    key: str  # unique on a page: "land-progress"
    title: str
    kind: str
    categories: list[str]
    series: list[Series]
    links: list[str] = field(default_factory=list)
    lines: list[tuple[str, float]] = field(default_factory=list)
    unit: str = ""
    extra_columns: list[tuple[str, list[str]]] = field(default_factory=list)  # table only: (header, cells)

    @property
    def spec(self) -> dict:
        """What the project script needs to draw it (passed with ``json_script``)."""
        return {
            "kind": self.kind,
            "title": str(self.title),
            "unit": str(self.unit),
            "categories": [str(c) for c in self.categories],
            "series": [{"name": str(s.name), "values": [_number(v) for v in s.values]} for s in self.series],
            "links": list(self.links),
            "lines": [{"label": str(label), "value": value} for label, value in self.lines],
        }

    @property
    def table_rows(self) -> list[dict]:
        rows = []
        for index, category in enumerate(self.categories):
            cells = [series.values[index] for series in self.series]
            extra = [values[index] for _header, values in self.extra_columns]
            link = self.links[index] if index < len(self.links) else ""
            rows.append({"category": category, "cells": cells, "extra": extra, "link": link})
        return rows


@dataclass(frozen=True)
class CockpitSection:
    figures: list[Figure]
    charts: list[Chart]
    notes: list[tuple[str, str]] = field(
        default_factory=list
    )  # (text, url): who is behind, what is suspended


@dataclass(frozen=True)
class CockpitPanel:
    """A module's part of the leading group's cockpit: ``build(user, as_of)`` returns its figures and charts,
    scoped to the user and computed for ``as_of``."""

    label: str
    permission: str
    build: Callable[[Any, datetime.date], CockpitSection]
    order: int = 100


@dataclass(frozen=True)
class JobKind:
    """A module's long-running job (an import, an export): ``run(job, report)`` does the work and returns a
    ``linfen_admin.jobs.JobOutcome``; ``report(done, total)`` moves the progress bar. ``permission`` is checked when
    the job is started and when its page or file is opened."""

    code: str  # "land.parcel_export"
    label: str
    permission: str
    run: Callable[[Any, Callable[[int, int], None]], Any]


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    seed_loaders: list[SeedLoader] = field(default_factory=list)
    demo_loaders: list[SeedLoader] = field(default_factory=list)
    # Role permissions each module grants: {role: ["app_label.codename", ...]}
    role_permissions: dict[str, set[str]] = field(default_factory=dict)
    reminder_rules: list[ReminderRule] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    cockpit_panels: list[CockpitPanel] = field(default_factory=list)
    # Called after regions are added or reordered (admin, load_seed): a module that keeps a copy of a region's
    # order (the land ledger does, to sort by one index) brings it up to date.
    region_listeners: list[Callable[[], object]] = field(default_factory=list)
    job_kinds: dict[str, JobKind] = field(default_factory=dict)

    def add_job_kind(self, kind: JobKind) -> None:
        self.job_kinds.setdefault(kind.code, kind)

    def add_region_listener(self, listener: Callable[[], object]) -> None:
        if listener not in self.region_listeners:
            self.region_listeners.append(listener)

    def regions_changed(self) -> None:
        for listener in self.region_listeners:
            listener()

    def add_menu(self, entry: MenuEntry) -> None:
        if entry not in self.menu:
            self.menu.append(entry)
            self.menu.sort(key=lambda item: item.order)

    def add_seed_loader(self, loader: SeedLoader) -> None:
        if loader.name not in {item.name for item in self.seed_loaders}:
            self.seed_loaders.append(loader)
            self.seed_loaders.sort(key=lambda item: item.order)

    def add_demo_loader(self, loader: SeedLoader) -> None:
        if loader.name not in {item.name for item in self.demo_loaders}:
            self.demo_loaders.append(loader)
            self.demo_loaders.sort(key=lambda item: item.order)

    def add_panel(self, panel: Panel) -> None:
        if panel.label not in {item.label for item in self.panels}:
            self.panels.append(panel)
            self.panels.sort(key=lambda item: item.order)

    def panels_for(self, user) -> list[tuple[Panel, list[Figure]]]:
        return [(panel, panel.build(user)) for panel in self.panels if user.has_perm(panel.permission)]

    def add_cockpit_panel(self, panel: CockpitPanel) -> None:
        if panel.label not in {item.label for item in self.cockpit_panels}:
            self.cockpit_panels.append(panel)
            self.cockpit_panels.sort(key=lambda item: item.order)

    def cockpit_for(self, user, as_of: datetime.date) -> list[tuple[CockpitPanel, CockpitSection]]:
        return [
            (panel, panel.build(user, as_of))
            for panel in self.cockpit_panels
            if user.has_perm(panel.permission)
        ]

    def add_reminder_rule(self, rule: ReminderRule) -> None:
        if rule.code not in {item.code for item in self.reminder_rules}:
            self.reminder_rules.append(rule)

    def grant(self, role: str, *permissions: str) -> None:
        self.role_permissions.setdefault(str(role), set()).update(permissions)

    def has_cockpit(self, user) -> bool:
        return any(user.has_perm(panel.permission) for panel in self.cockpit_panels)

    def menu_for(self, user) -> list[MenuEntry]:
        """The entries the user may open: a link that would answer 403 is not shown."""
        return [
            entry
            for entry in self.menu
            if (entry.permission is None or user.has_perm(entry.permission))
            and (not entry.needs_cockpit or self.has_cockpit(user))
        ]

    def menu_groups_for(self, user) -> list[tuple[str, list[MenuEntry]]]:
        """The user's entries grouped by module (the URL namespace's app); shell entries stand alone."""
        from django.apps import apps

        groups: dict[str, list[MenuEntry]] = {}
        for entry in self.menu_for(user):
            namespace = entry.url_name.split(":")[0] if ":" in entry.url_name else ""
            label = str(apps.get_app_config(namespace).verbose_name) if namespace else ""
            groups.setdefault(label, []).append(entry)
        return list(groups.items())


registry = Registry()
