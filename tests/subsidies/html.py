"""A small reading of rendered pages for the tests: visible text, and the show-when conditions around each control."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.conditions: dict[str, list[str]] = {}
        self.values: dict[str, list[tuple[str, str]]] = {}  # control name → [(value, label text)]
        self._label: list | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            name = attrs["name"]
            self.conditions.setdefault(name, [c for _t, c in self.stack if c])
            if attrs.get("type") == "radio" and self._label is not None:
                self._label[0] = (name, attrs.get("value", ""))
            if tag == "select":
                self._select = name
        if tag == "option":
            self._option = [attrs.get("value", ""), ""]
        if tag == "label":
            self._label = [None, ""]
        if tag not in VOID:
            self.stack.append((tag, attrs.get("data-show-when")))

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.values.setdefault(self._select, []).append((self._option[0], self._option[1].strip()))
            self._option = None
        if tag == "label" and self._label is not None:
            if self._label[0]:
                name, value = self._label[0]
                self.values.setdefault(name, []).append((value, self._label[1].strip()))
            self._label = None
        while self.stack:
            open_tag, _condition = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if any(tag in ("script", "style") for tag, _c in self.stack):
            return
        self.text.append(data)
        if self._option is not None:
            self._option[1] += data
        if self._label is not None:
            self._label[1] += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def form_html(content: bytes | str, marker: str = "guided") -> str:
    """The first form of the page whose opening tag contains ``marker``."""
    text = content.decode() if isinstance(content, bytes) else content
    start = text.rindex("<form", 0, text.index(marker))
    return text[start : text.index("</form>", start) + len("</form>")]
