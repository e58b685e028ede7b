"""What the parsers make of every simulator document, as a snapshot to compare across a change
that must not change behaviour (a move of files, a split of a module).

Every report document of the simulator's default world (HTML pages, DOCX, DOC and PDF
attachments, pages whose tables are images, plain-text versions, the seed reports), fetched as
``parse_throughput.py`` fetches them, is extracted and parsed; the snapshot holds, per URL, the
format and the sha256 of ``parse_document(...).to_json()`` (or the extraction error's kind).

    python bench/parse_snapshot.py --out before.json          # on the old code
    python bench/parse_snapshot.py --compare before.json      # on the new: exit 1 on a change

Prints the number of documents per format and, with ``--compare``, every URL whose output
changed, appeared or went.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_throughput import Sample, collect, say

from parsers.document import ExtractionError
from parsers.extract import extract
from parsers.report import parse_document


def fingerprint(sample: Sample) -> dict[str, str]:
    try:
        doc = extract(sample.body, content_type=sample.content_type, url=sample.url,
                      headers=sample.headers)
    except ExtractionError as exc:
        return {"format": "error", "digest": exc.kind}
    parsed = json.dumps(parse_document(doc, sample.url).to_json(), sort_keys=True,
                        ensure_ascii=False, default=str)
    return {"format": doc.format, "digest": hashlib.sha256(parsed.encode()).hexdigest()}


def snapshot() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="xxgk-parse-snapshot-") as root:
        by_format, other, _ = collect(Path(root))
    samples = [s for group in (*by_format.values(), *other.values()) for s in group]
    say(f"parsing {len(samples)} documents ...")
    out: dict[str, dict[str, str]] = {}
    for n, sample in enumerate(samples, start=1):
        out[sample.url] = fingerprint(sample)
        if n % 200 == 0:
            say(f"  {n}/{len(samples)}")
    return out


def compare(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    lines = []
    for url in sorted(before.keys() | after.keys()):
        old, new = before.get(url), after.get(url)
        if old != new:
            lines.append(f"{'changed' if old and new else 'gone' if old else 'new'}: {url} "
                         f"{old} -> {new}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the snapshot here")
    parser.add_argument("--compare", type=Path, help="compare with a snapshot written before")
    args = parser.parse_args(argv)
    if not args.out and not args.compare:
        parser.error("give --out FILE, --compare FILE or both")
    now = snapshot()
    formats = Counter(entry["format"] for entry in now.values())
    print(f"{len(now)} documents: " + ", ".join(f"{k} {v}" for k, v in sorted(formats.items())))
    if args.out:
        args.out.write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
    if args.compare:
        differences = compare(json.loads(args.compare.read_text(encoding="utf-8")), now)
        for line in differences:
            print(line)
        print(f"{len(differences)} of {len(now)} documents parse differently")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
