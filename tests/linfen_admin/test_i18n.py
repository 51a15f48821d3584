"""English catalogs: every app of the project ships a complete English catalog (no empty or fuzzy msgstr), the
compiled .mo matches the .po, shared msgids are translated alike, and the shell follows the language cookie."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|%%|\{\w+\}")
# msgids that mean different things in two apps; the app listed first in INSTALLED_APPS wins at runtime.
# 修改: the audit action "Updated" (linfen_admin) and the edit link on a subsidy application (subsidies).
KNOWN_CLASHES: set[str] = set()


def project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == base]


def catalog_path(config, suffix="po"):
    return Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"django.{suffix}"


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file (obsolete ``#~`` entries and the header left out)."""
    entries, entry, key = [], None, None

    def start():
        entries.append({"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}})
        return entries[-1]

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or entry["msgid"] is not None:
                entry = start()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword in ("msgctxt", "msgid") and (entry is None or entry["msgid"] is not None):
                entry = start()
            key = keyword
        if key.startswith("msgstr"):
            index = int(key[7:-1]) if key.startswith("msgstr[") else 0
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
        else:
            entry[key] = (entry[key] or "") + value
    return [e for e in entries if e["msgid"]]


def test_every_project_app_has_an_english_catalog():
    configs = project_apps()
    assert {"linfen_admin", "land", "subsidies", "approvals"} <= {config.label for config in configs}
    assert [config.label for config in configs if not catalog_path(config).exists()] == []


@pytest.mark.parametrize("app_label", ["linfen_admin", "land", "subsidies", "approvals"])
def test_catalog_is_complete(app_label):
    entries = parse_po(catalog_path(apps.get_app_config(app_label)))
    assert len(entries) > 50
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], (
        f"{len(untranslated)} untranslated in {app_label}: run makemessages and translate"
    )
    assert fuzzy == [], f"fuzzy entries are not compiled: {fuzzy}"


@pytest.mark.parametrize("app_label", ["linfen_admin", "land", "subsidies", "approvals"])
def test_translations_keep_their_placeholders(app_label):
    wrong = []
    for e in parse_po(catalog_path(apps.get_app_config(app_label))):
        for msgstr in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(msgstr)):
                wrong.append((e["msgid"], msgstr))
    assert wrong == []


@pytest.mark.parametrize("app_label", ["linfen_admin", "land", "subsidies", "approvals"])
def test_compiled_catalog_matches_the_po(app_label):
    config = apps.get_app_config(app_label)
    with catalog_path(config, "mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in parse_po(catalog_path(config)):
        if e["msgid_plural"]:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            want = [e["msgstr"][0], e["msgstr"][1]]
        elif e["msgctxt"] is not None:
            got, want = compiled.pgettext(e["msgctxt"], e["msgid"]), e["msgstr"][0]
        else:
            got, want = compiled.gettext(e["msgid"]), e["msgstr"][0]
        if got != want:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages"


def test_shared_msgids_are_translated_alike():
    seen, clashes = {}, set()
    for config in project_apps():
        for e in parse_po(catalog_path(config)):
            key = (e["msgctxt"], e["msgid"])
            if key in seen and seen[key][1] != e["msgstr"]:
                clashes.add(e["msgid"])
            seen.setdefault(key, (config.label, e["msgstr"]))
    assert clashes <= KNOWN_CLASHES


def test_sign_in_page_follows_the_language_cookie(client, seeded):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}).status_code == 302
    page = client.get("/login/").content.decode()
    assert "Sign in" in page and "User name" in page and "Password" in page
    assert "用户名" not in page and "密码" not in page


def test_workbench_in_english_and_back_to_chinese(client, users):
    client.force_login(users["yaodu_land"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    page = response.content.decode()
    assert response["Content-Language"] == "en" and 'lang="en"' in page
    assert (
        "<h1>Workbench</h1>" in page and "County natural resources bureau" in page and "Parcel ledger" in page
    )
    assert "工作台" not in page and "县级自然资源局" not in page and "宗地台账" not in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get("/").content.decode()
    assert "<h1>工作台</h1>" in page and "Workbench" not in page


def test_without_the_cookie_the_workbench_is_chinese(client, users):
    client.force_login(users["yaodu_land"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>工作台</h1>" in page and "县级自然资源局" in page and "Workbench" not in page
