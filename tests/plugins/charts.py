"""How large a chart's labels are drawn: the SVG's text scaled by the width
its panel gives it (the stylesheet's rules, at their widest padding), as a
browser would lay it out. For the pages whose charts a phone must read."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).parents[2] / "static" / "css" / "app.css"
REM = 16  # px


def label_sizes(page: str, svg_class: str, css_rule: str) -> dict[int, float]:
    """The smallest label of the chart `<svg class="svg_class">` in `page`, in
    px, at a phone's and a desktop's width, the chart held to the max-width
    of `css_rule` (a selector of the stylesheet)."""
    svg = re.search(rf'<svg class="{svg_class}".*?</svg>', page, re.S).group(0)
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]
    assert sizes, "the chart has no labels"
    css = STYLESHEET.read_text()
    assert ".wrap { width: min(100% - 2rem, 64rem);" in css
    assert re.search(r"\n\.panel \{[^}]*border: 1px[^}]*padding: 1\.5rem; \}", css)
    rule = re.search(rf"\n{re.escape(css_rule)} \{{[^}}]*max-width: ([\d.]+)rem;", css)
    limit = float(rule[1]) * REM

    def label_px(viewport: int) -> float:
        panel = min(viewport - 2 * REM, 64 * REM) - 2 * 1.5 * REM - 2
        return min(sizes) * min(panel, limit) / view_width

    return {viewport: label_px(viewport) for viewport in (375, 1280)}
