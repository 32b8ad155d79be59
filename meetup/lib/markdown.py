"""Markdown for event descriptions: rendered, then sanitised, before any template."""

from __future__ import annotations

import html

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
