"""What the shell shows across modules. Each module registers from its own ``AppConfig.ready()``;
``linfen_admin`` never imports a module."""

from collections.abc import Callable
from dataclasses import dataclass, field


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


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    seed_loaders: list[SeedLoader] = field(default_factory=list)
    demo_loaders: list[SeedLoader] = field(default_factory=list)
    # Role permissions each module grants: {role: ["app_label.codename", ...]}
    role_permissions: dict[str, set[str]] = field(default_factory=dict)

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

    def grant(self, role: str, *permissions: str) -> None:
        self.role_permissions.setdefault(str(role), set()).update(permissions)

    def menu_for(self, user) -> list[MenuEntry]:
        return [entry for entry in self.menu if entry.permission is None or user.has_perm(entry.permission)]


registry = Registry()
