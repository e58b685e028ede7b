"""The value cells of a served report page, compared with the truth's raw cell texts: the one
reading the simulator's page tests share (Hanweb portals and the two other CMS families)."""

from __future__ import annotations

import html
import re

# A value cell as printed: a number with its unit (萬元 on a traditional page), or a dash.
VALUE = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[万萬]元|元)?|[-/—]")


def td_texts(markup: str) -> list[str]:
    """The texts of every <td>, tags removed and entities decoded."""
    return [html.unescape(re.sub(r"<[^>]+>", "", td))
            for td in re.findall(r"<td[^>]*>(.*?)</td>", markup, re.S)]


def value_cells(texts: list[str]) -> list[str]:
    """The texts that are value cells, whitespace removed, in order."""
    cleaned = [re.sub(r"\s", "", t or "") for t in texts]
    return [t for t in cleaned if VALUE.fullmatch(t)]


def truth_values(report: dict) -> list[str]:
    """Non-blank raw cell texts of a report, whitespace removed, in reading order."""
    return [re.sub(r"\s", "", c["raw"]) for c in report["cells"] if c["raw"].strip()]
