"""What the shell shows across modules. Each module registers from its own ``AppConfig.ready()``;
``linfen_admin`` never imports a module."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permission: str | None = None  # e.g. "land.view_parcel"; None: every signed-in user
    order: int = 100
    description: str = ""


@dataclass(frozen=True)
class SeedLoader:
    name: str
    load: Callable[[], dict]  # returns {label: count} for the command's report
    order: int = 100


@dataclass(frozen=True)
class Reminder:
    """One thing to remind about, as a rule sees it on a given day.

    ``period`` makes it unique in time: the engine sends at most one reminder per
    (rule, object, period, recipient) — e.g. the milestone date for "milestone due", the day count
    line ("1y") for idle land, the ISO week for "not updated for 30 days".
    """

    obj: Any  # a saved model instance
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


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    seed_loaders: list[SeedLoader] = field(default_factory=list)
    demo_loaders: list[SeedLoader] = field(default_factory=list)
    # Role permissions each module grants: {role: ["app_label.codename", ...]}
    role_permissions: dict[str, set[str]] = field(default_factory=dict)
    reminder_rules: list[ReminderRule] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)

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

    def add_reminder_rule(self, rule: ReminderRule) -> None:
        if rule.code not in {item.code for item in self.reminder_rules}:
            self.reminder_rules.append(rule)

    def grant(self, role: str, *permissions: str) -> None:
        self.role_permissions.setdefault(str(role), set()).update(permissions)

    def menu_for(self, user) -> list[MenuEntry]:
        return [entry for entry in self.menu if entry.permission is None or user.has_perm(entry.permission)]

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
