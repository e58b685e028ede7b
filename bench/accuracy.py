"""Field accuracy of the parsers on the real-world corpus (tests/fixtures/real/reports/).

The yardstick of every parser change: each real report (as found: flattened, truncated,
traditional, prose-only, PDF, HTML...) is parsed as ``xxgk parse FILE --json`` would, and
compared field by field with its ``.expected.json``, which was typed by reading the source.

Fields: the organisation (the same body named as fully or as briefly as the text does:
``same_body``), year and layout where the expected file names them (not null), and
every expected cell (table cells and prose cells), a value being right when the parser gives
that cell the same number (or null for a cell that holds no number). Also counted, apart:
**extra values**, cells the parser emits that the expected file does not list (numbers the
text may not show: the target is none).

Each file has a ``split``, fixed when it was added: ``build`` (80 % of the first batch),
``heldout`` (its other 20 %), then one split per batch gathered later: ``heldout2`` (after
the first parser work), ``heldout3``, ``heldout4`` and ``heldout5`` (each gathered once the
one before had been measured and opened). The figures of an unseen batch are what users will
see on reports nobody has looked at, so they are printed apart, and its files are listed
among the worst only with ``--show-heldout`` (keep them unseen while building). A batch is
unseen until its figure has been measured and reported once (``SPLITS``, ``UNSEEN``).

Usage: python bench/accuracy.py [--split build|heldout|heldout2|heldout3|heldout4|heldout5|all]
                                [--worst 15] [--lines 6] [--as-page] [--show-heldout] [--json]
                                [--only ID_SUBSTRING] [--derived]
``--as-page`` wraps each text report in the article page a portal would serve (the HTML
path), as a second figure. ``--derived`` adds a second section: the files made from real
ones (tests/fixtures/real/derived/: the text-layer PDFs scanned into image-only PDFs, read by
OCR), with their own figures; a derived file keeps its source's split, and is held out with it.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.document import ExtractionError  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.report import parse_document  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real" / "reports"
DERIVED = CORPUS.parent / "derived"
FIELD_KINDS = ("organisation", "year", "layout", "cell", "prose_cell")
# The splits, in the order they are printed. A held-out batch is unseen until its figure has
# been measured once and reported; after that it may be read like the build set, and a new
# batch takes its place (tests/fixtures/real/README.md, "Measured").
SPLITS = {
    "build": "build (80 % of batch 1)",
    "heldout": "held out 1 (20 % of batch 1; measured once on 2026-12-07, open since)",
    "heldout2": "held out 2 (batch 2; measured once on 2026-12-07, open since)",
    "heldout3": "held out 3 (batch 3; measured once on 2026-12-07, open since)",
    "heldout4": "held out 4 (batch 4; measured once on 2026-12-07, open since)",
    "heldout5": "held out 5 (batch 5; measured once on 2026-12-07, open since)",
    "heldout6": "held out 6 (batch 6; measured once on 2026-12-07, open since)",
    "heldout7": "held out 7 (batch 7; measured once on 2026-12-07, open since)",
    "heldout8": "held out 8 (batch 8; measured once on 2026-12-07, open since)",
}
UNSEEN: frozenset[str] = frozenset()  # their files are listed only with --show-heldout
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="header">政府信息公开</div><div class="main"><div class="article">
<h1 class="title">{title}</h1><div class="info">发布时间：2024-01-15 来源：本网</div>
<div id="zoom" class="content">{body}</div></div></div>
<div class="footer">主办单位：人民政府办公室</div></body></html>"""


@dataclass
class Outcome:
    """One report's comparison."""

    id: str
    split: str
    layout: str | None
    variants: list[str]
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wrong: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def add(self, kind: str, ok: bool, what: str) -> None:
        self.total[kind] += 1
        if ok:
            self.right[kind] += 1
        else:
            self.wrong.append(what)

    @property
    def fields(self) -> int:
        return sum(self.total.values())

    @property
    def correct(self) -> int:
        return sum(self.right.values())


def source_file(expected: dict[str, Any], folder: Path = CORPUS) -> Path:
    """The material to parse: the first file that is not a stored sidecar (``.txt`` comes
    last: where a report was kept as HTML or PDF and as text, the original is parsed)."""
    files = [folder / name for name in expected.get("files") or []]
    for suffix in (".pdf", ".docx", ".doc", ".html", ".htm", ".png", ".jpg", ".txt"):
        for path in files:
            if path.suffix.lower() == suffix and path.is_file():
                return path
    raise FileNotFoundError(f"{expected['id']}: none of {expected.get('files')} exists")


def as_page(text: str) -> bytes:
    """A paragraph a line; a line of spaces (an empty cell's &nbsp; where a page gave each
    cell a paragraph) as the page had it, ``<p>&nbsp;</p>``; empty lines dropped."""
    lines = [line.strip() or "\xa0" for line in text.splitlines() if line]
    title = next((line for line in lines if line != "\xa0"), "")
    body = "\n".join(f"<p>{html.escape(line)}</p>".replace("\xa0", "&nbsp;") for line in lines)
    return PAGE.format(title=html.escape(title), body=body).encode("utf-8")


def parse(path: Path, page: bool) -> dict[str, Any]:
    data = path.read_bytes()
    name = path.name
    if page and path.suffix == ".txt":
        data, name = as_page(data.decode("utf-8", "replace")), path.with_suffix(".html").name
    doc = extract(data, url=name)
    return parse_document(doc, None).to_json()


def same_number(got: Any, want: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    return math.isclose(float(got), float(want), rel_tol=0, abs_tol=1e-9)


def squeeze(text: str | None) -> str:
    return "".join((text or "").split())


# What may stand before a body's name in its fuller form (淮安市 + 洪泽区人民政府).
_PLACES = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗))+")
_GOVERNMENT = ("人民政府", "办事处")


def same_body(got: str | None, want: str) -> bool:
    """The same body, named as fully or as briefly as the report itself does: 洪泽区人民政府
    and 淮安市洪泽区人民政府 (a place prefix), 西宁市 and 西宁市人民政府, 北街街道 and
    北街街道办事处 (a place standing for its government). Not 区政府办公室 for 区人民政府."""
    got, want = squeeze(got), squeeze(want)
    if not got:
        return False
    if got == want:
        return True
    short, long = sorted((got, want), key=len)
    core = long[: -len(short)] if long.endswith(short) else None
    if core is not None and _PLACES.fullmatch(core):
        return True
    return any(long == short + tail or (long.endswith(short + tail)
                                        and _PLACES.fullmatch(long[: -len(short + tail)]))
               for tail in _GOVERNMENT)


def compare(expected: dict[str, Any], page: bool, folder: Path = CORPUS) -> Outcome:
    outcome = Outcome(expected["id"], expected.get("split", "build"), expected.get("layout"),
                      list(expected.get("variants") or []))
    started = time.process_time()
    try:
        result = parse(source_file(expected, folder), page)
    except (ExtractionError, OSError) as exc:
        result = {"org": None, "year": None, "layout": None, "cells": []}
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.process_time() - started
    if expected.get("organisation"):
        names = [expected["organisation"], *(expected.get("organisation_aliases") or [])]
        outcome.add("organisation", any(same_body(result.get("org"), n) for n in names),
                    f"organisation: got {result.get('org')!r}, want {expected['organisation']!r}")
    for kind in ("year", "layout"):
        if expected.get(kind) is not None:
            outcome.add(kind, result.get(kind) == expected[kind],
                        f"{kind}: got {result.get(kind)!r}, want {expected[kind]!r}")
    got = {f"{c['table']}/{c['row']}/{c['column']}": c for c in result.get("cells") or []}
    wanted: dict[str, tuple[str, Any]] = {}
    for key, value in (expected.get("prose_cells") or {}).items():
        wanted[key] = ("prose_cell", value)
    for key, value in (expected.get("cells") or {}).items():
        wanted[key] = ("cell", value)  # a table value wins over the prose's
    for key, (kind, value) in wanted.items():
        cell = got.get(key)
        ok = cell is not None and same_number(cell.get("value"), value)
        outcome.add(kind, ok, f"{key}: got {cell.get('value') if cell else 'nothing'}"
                              f"{'' if cell is None else ' (' + str(cell.get('raw')) + ')'}"
                              f", want {value}")
    outcome.extra = [f"{key} = {cell.get('value')} ({cell.get('source')}, raw "
                     f"{cell.get('raw')!r})" for key, cell in got.items() if key not in wanted]
    return outcome


def share(right: int, total: int) -> str:
    return f"{100 * right / total:6.2f} % ({right}/{total})" if total else "     - (0/0)"


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    right = sum(o.correct for o in outcomes)
    total = sum(o.fields for o in outcomes)
    kinds = {kind: (sum(o.right[kind] for o in outcomes), sum(o.total[kind] for o in outcomes))
             for kind in FIELD_KINDS}
    return {"reports": len(outcomes), "fields": total, "right": right,
            "accuracy": right / total if total else None,
            "by_kind": {k: {"right": r, "total": t} for k, (r, t) in kinds.items()},
            "extra_values": sum(len(o.extra) for o in outcomes),
            "unreadable": sum(1 for o in outcomes if o.error)}


def grouped(outcomes: list[Outcome], key: Any) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        for name in key(outcome):
            groups[name].append(outcome)
    return dict(sorted(groups.items()))


def print_summary(title: str, outcomes: list[Outcome]) -> None:
    s = summarise(outcomes)
    print(f"\n== {title}: {s['reports']} reports, field accuracy "
          f"{share(s['right'], s['fields'])}; extra values {s['extra_values']}; "
          f"unreadable {s['unreadable']}")
    for kind in FIELD_KINDS:
        k = s["by_kind"][kind]
        print(f"   {kind:<13} {share(k['right'], k['total'])}")


def print_groups(title: str, groups: dict[str, list[Outcome]]) -> None:
    print(f"\n-- by {title}")
    for name, members in groups.items():
        s = summarise(members)
        print(f"   {name:<28} {len(members):>4} reports  {share(s['right'], s['fields'])}"
              f"  extra {s['extra_values']}")


def print_worst(outcomes: list[Outcome], count: int, lines: int = 6) -> None:
    ranked = sorted(outcomes, key=lambda o: (-(o.fields - o.correct) - len(o.extra), o.id))
    print(f"\n-- worst {count} ({'; '.join(sorted({o.split for o in outcomes}))})")
    for outcome in ranked[:count]:
        missed = outcome.fields - outcome.correct
        if not missed and not outcome.extra and not outcome.error:
            break
        print(f"   {outcome.id}: {missed}/{outcome.fields} wrong, {len(outcome.extra)} extra"
              + (f", {outcome.error}" if outcome.error else ""))
        for line in outcome.wrong[:lines]:
            print(f"      - {line}")
        for line in outcome.extra[:max(3, lines // 2)]:
            print(f"      + extra {line}")


def load(only: str | None, folder: Path = CORPUS) -> list[dict[str, Any]]:
    files = sorted(folder.glob("*.expected.json"))
    corpus = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    return [e for e in corpus if not only or only in e["id"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--worst", type=int, default=15, help="files listed (build split)")
    parser.add_argument("--lines", type=int, default=6,
                        help="wrong fields listed per file (extra values: half as many)")
    parser.add_argument("--show-heldout", action="store_true",
                        help="also list held-out files among the worst (final reports only)")
    parser.add_argument("--as-page", action="store_true",
                        help="text reports wrapped in a portal's article page (HTML path)")
    parser.add_argument("--only", help="only reports whose id contains this")
    parser.add_argument("--json", action="store_true", help="figures as JSON")
    parser.add_argument("--derived", action="store_true",
                        help="also the files derived from real ones (scanned PDFs), apart")
    args = parser.parse_args()

    corpus = [e for e in load(args.only) if args.split in ("all", e.get("split", "build"))]
    outcomes = [compare(e, args.as_page) for e in corpus]
    derived = [compare(e, False, DERIVED) for e in load(args.only, DERIVED)
               if args.split in ("all", e.get("split", "build"))] if args.derived else []
    if args.json:
        figures = _json_figures(outcomes, args.show_heldout, _measured(args))
        if args.derived:
            figures["derived"] = _json_figures(derived, args.show_heldout, _measured(args))
        print(json.dumps({**figures, "as_page": args.as_page}, ensure_ascii=False, indent=2))
        return 0
    print_report(outcomes, args)
    if args.derived:
        print(f"\n\n#### derived (scanned from real PDFs): {DERIVED} ({len(derived)} files); "
              f"parse CPU {sum(o.seconds for o in derived):.1f} s")
        print_splits(derived, _measured(args))
        print_worst(derived if args.show_heldout else
                    [o for o in derived if o.split not in UNSEEN], args.worst)
    return 0


def _json_figures(outcomes: list[Outcome], show_heldout: bool,
                  measured: str | None = None) -> dict[str, Any]:
    def shown(split: str) -> bool:
        return split not in UNSEEN or measured in (split, "all")

    return {"all": summarise([o for o in outcomes if shown(o.split)]),
            **{split: summarise([o for o in outcomes if o.split == split])
               for split in SPLITS if shown(split)},
            "reports": [{"id": o.id, "split": o.split, "fields": o.fields,
                         "right": o.correct, "extra": len(o.extra), "error": o.error}
                        for o in outcomes if o.split not in UNSEEN or show_heldout]}


def print_splits(outcomes: list[Outcome], measured: str | None = None) -> None:
    """Every split's figures; an unseen split's only when it is ``measured`` (``--split``
    names it, or ``--show-heldout``): a batch is measured once, when it is whole, not glimpsed
    in passing while it is still being gathered."""
    print_summary("all" if measured else "all (unseen splits left out)",
                  [o for o in outcomes if o.split not in UNSEEN or measured])
    for split, title in SPLITS.items():
        part = [o for o in outcomes if o.split == split]
        if split in UNSEEN and measured not in (split, "all") and part:
            print(f"\n== {title}: {len(part)} reports; figures not shown (measure it once with "
                  f"--split {split})")
            continue
        print_summary(title, part)


def _measured(args: argparse.Namespace) -> str | None:
    """The unseen split this run measures: the one ``--split`` names, or all of them with
    ``--show-heldout``."""
    if args.show_heldout:
        return "all"
    return args.split if args.split in UNSEEN else None


def print_report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    build = [o for o in outcomes if o.split not in UNSEEN]
    load_average = os.getloadavg()[0]
    print(f"corpus {CORPUS} ({len(outcomes)} reports), {'as portal pages' if args.as_page else 'files as found'}; "
          f"load average {load_average:.2f}; parse CPU {sum(o.seconds for o in outcomes):.1f} s")
    print_splits(outcomes, _measured(args))
    print_groups("layout (expected)", grouped(build, lambda o: [str(o.layout)]))
    print_groups("variant", grouped(build, lambda o: o.variants or ["(none)"]))
    shown = outcomes if args.show_heldout else build
    print_worst(shown, args.worst, args.lines)


if __name__ == "__main__":
    sys.exit(main())
