"""The architecture as tests: the import contract holds, and every domain model's admin writes through services."""

from pathlib import Path

import pytest
from django.contrib import admin

from linfen_admin.admin_base import ReadOnlyAdminMixin, ServiceAdminMixin

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("land", "subsidies", "approvals")


def _lint_imports(config: Path) -> int:
    from importlinter.cli import lint_imports

    return lint_imports(config_filename=str(config), no_cache=True)


def test_the_import_contract_holds(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert _lint_imports(ROOT / "pyproject.toml") == 0


def test_the_import_checker_sees_real_imports(monkeypatch, tmp_path):
    """The same checker, given a contract today's tree breaks (land does import the shell), reports it: the
    passing contract above is a finding, not a checker that sees nothing."""
    config = tmp_path / "contract.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    linfen_admin\n    land\n\n"
        "[importlinter:contract:1]\nname = land without the shell\ntype = forbidden\n"
        "source_modules =\n    land\nforbidden_modules =\n    linfen_admin\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)
    assert _lint_imports(config) != 0


def _domain_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in MODULES
    ]


def test_every_domain_model_admin_writes_through_services_or_not_at_all(rf):
    from linfen_admin.models import User

    request = rf.get("/admin/")
    request.user = User(username="root", is_superuser=True, is_active=True, is_staff=True)
    admins = _domain_admins()
    assert len(admins) >= 15
    for model, model_admin in admins:
        assert isinstance(model_admin, ServiceAdminMixin | ReadOnlyAdminMixin), model
        if isinstance(model_admin, ReadOnlyAdminMixin):
            continue
        cls = type(model_admin)
        assert cls.service_save is not ServiceAdminMixin.service_save, f"{model}: saves without a service"
        if model_admin.has_delete_permission(request):
            assert cls.service_delete is not ServiceAdminMixin.service_delete, (
                f"{model}: deletes without a service"
            )
        for inline in model_admin.inlines:
            if not issubclass(inline, ReadOnlyAdminMixin):
                assert cls.service_save_inline is not ServiceAdminMixin.service_save_inline, (model, inline)
                assert cls.service_delete_inline is not ServiceAdminMixin.service_delete_inline, (
                    model,
                    inline,
                )


@pytest.mark.parametrize("name", ["save_model", "delete_model", "save_formset", "delete_queryset"])
def test_no_domain_admin_overrides_the_service_write_path(name):
    """A ``save_model`` of its own in a domain admin would be a second write path beside the services."""
    for model, model_admin in _domain_admins():
        owner = next(klass for klass in type(model_admin).__mro__ if name in vars(klass))
        assert owner.__module__.startswith(("linfen_admin.", "django.")), (model, owner)
