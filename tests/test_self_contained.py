"""The repository stands alone: nothing reads or links outside it, and every link in its documents resolves."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./" + "shared" + r"|parent\s*/\s*[\"']" + "shared")


def _tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in names.splitlines() if (ROOT / name).is_file()]


def test_nothing_reads_or_links_outside_the_repository():
    offenders = []
    for path in _tracked():
        if path.suffix not in {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".yaml", ".json", ""}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if OUTSIDE.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_link_of_the_readme_and_docs_resolves_inside_the_repository():
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)\)", document.read_text(encoding="utf-8")):
            assert not re.match(r"[a-z]+://", target), (document.name, target)
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), (document.name, target)
