"""Read what a page shows: the values its form fields hold, and its text (stdlib only)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.text: list[str] = []
        self._textarea = None
        self._select = None
        self._option = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[attrs["name"]] = attrs.get("value", "on")
            else:
                self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self._option = attrs.get("value")
            if "selected" in attrs:
                self.values[self._select] = self._option or ""

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data
        elif not self._skip:
            self.text.append(data)


def form_values(html: str | bytes) -> dict[str, str]:
    """``name → value`` of every input, textarea and selected option on the page."""
    reader = _FormReader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return {k: v.lstrip("\n") for k, v in reader.values.items()}


def page_text(html: str | bytes) -> str:
    """The page's text, whitespace collapsed (scripts and templates left out)."""
    reader = _FormReader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return " ".join(" ".join(reader.text).split())


class _RowReader(HTMLParser):
    def __init__(self, prefix):
        super().__init__(convert_charrefs=True)
        self.prefix = prefix
        self.rows: list[list[str]] = []
        self._row = None
        self._cell = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag == "tr" and not self._skip and (attrs.get("id") or "").startswith(self.prefix):
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str | bytes, id_prefix: str) -> list[list[str]]:
    """The cells' text of every table row whose id starts with ``id_prefix``."""
    reader = _RowReader(id_prefix)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader.rows
