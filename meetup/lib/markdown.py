"""Markdown for event descriptions: rendered, then sanitised, before any template."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

# CommonMark without raw HTML: what people type stays text. nh3 then removes
# anything that still should not be there, whatever the renderer did.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "ul", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str) -> str:
    """Return safe HTML for `source`; links get rel="nofollow noopener"."""
    html = _renderer.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def html_to_text(safe_html: str) -> str:
    """Plain text of HTML that render_markdown made (for summaries, meta tags and,
    later, calendar files); unescaped, since templates escape text themselves."""
    stripped = nh3.clean(safe_html, tags=set())
    lines = (line.strip() for line in html.unescape(stripped).splitlines())
    return "\n".join(line for line in lines if line).strip()


def markdown_to_text(source: str) -> str:
    """Readable plain text of Markdown, for the text part of an email: the
    source rendered and sanitised as for the HTML part, then read back as
    text (links as "text (url)", list items as "- item" or "1. item",
    quotes as "> "), with no tags and no entities, even ones typed as text."""
    reader = _PlainText()
    reader.feed(render_markdown(source))
    reader.close()
    # Tags people typed are text to CommonMark ("&lt;b&gt;"): read back, they
    # would be tags again. A text part has no use for them.
    text = html.unescape(nh3.clean(reader.text(), tags=set()))
    # What a removed tag leaves: doubled and trailing spaces (not indentation).
    return "\n".join(
        re.sub(r"(?<=\S) {2,}", " ", line).rstrip() for line in text.split("\n")
    ).strip()


class _PlainText(HTMLParser):
    """render_markdown's few tags, turned into lines of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Each line: its text, and whether it joins the line before it with a
        # single newline (items of one list, rows of one table) or a blank line.
        self.lines: list[tuple[str, bool]] = []
        self.buffer: list[str] = []
        self.prefix = ""  # the list item's marker, for the buffer's first line
        self.lists: list[list[int]] = []  # each open list: [is_ordered, next number]
        self.links: list[tuple[str, int]] = []  # each open link: href, where its text starts
        self.quotes = 0
        self.in_pre = False
        self.in_run = False  # inside a list or a table: its lines join tightly
        self.run_starts = False  # its first line still comes after a blank line
        self.cells = 0

    def text(self) -> str:
        self._flush()
        parts: list[str] = []
        for line, joins in self.lines:
            if parts:
                parts.append("\n" if joins else "\n\n")
            parts.append(line)
        return "".join(parts)

    def _flush(self, *, tight: bool = False) -> None:
        raw = "".join(self.buffer)
        self.buffer = []
        if self.in_pre:  # code keeps its lines and their indentation
            text = raw.strip("\n")
        else:
            text = "\n".join(part.strip() for part in raw.split("\n")).strip()
        prefix, self.prefix = self.prefix, ""
        if not text:
            return
        text = prefix + text.replace("\n", "\n" + " " * len(prefix))
        if self.quotes:
            text = "\n".join("> " * self.quotes + line for line in text.split("\n"))
        joins = tight and self.in_run and not self.run_starts and bool(self.lines)
        self.run_starts = False
        self.lines.append((text, joins))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "table"):
            self._flush(tight=bool(self.lists))
            if tag == "table":
                self.in_run, self.run_starts = True, True
        if tag in ("ul", "ol"):
            self._flush(tight=bool(self.lists))
            if not self.lists:
                self.in_run, self.run_starts = True, True
            self.lists.append([tag == "ol", 1])
        elif tag == "li" and self.lists:
            self._flush(tight=True)
            kind = self.lists[-1]
            marker = f"{kind[1]}. " if kind[0] else "- "
            kind[1] += 1
            self.prefix = "  " * (len(self.lists) - 1) + marker
        elif tag == "blockquote":
            self.quotes += 1
        elif tag == "pre":
            self.in_pre = True
        elif tag == "hr":
            self.buffer.append("---")
            self._flush()
        elif tag == "br":
            self.buffer.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len("".join(self.buffer))))
        elif tag == "tr":
            self._flush(tight=True)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.buffer.append(" | ")
            self.cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.buffer)[start:].strip()
            if href and href not in (label, f"mailto:{label}"):
                self.buffer.append(f" ({href})")
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
            self._flush(tight=tag == "li" or bool(self.lists))
        elif tag in ("ul", "ol") and self.lists:
            self._flush(tight=True)
            self.lists.pop()
            self.in_run = bool(self.lists)
        elif tag == "tr":
            self._flush(tight=True)
        elif tag == "pre":
            self._flush()
            self.in_pre = False
        elif tag == "blockquote":
            self._flush()
            self.quotes = max(0, self.quotes - 1)
        elif tag == "table":
            self.in_run = False

    def handle_data(self, data: str) -> None:
        self.buffer.append(data if self.in_pre else re.sub(r"\s+", " ", data))
