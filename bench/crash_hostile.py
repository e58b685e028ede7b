"""Kill a crawl 10 times on the hostile simulator, then let it finish; print the figures.

The harness of ``tests/test_crawl_crash_hostile.py`` (which makes 3 kills to stay fast):
one portal (wenshang: Crawl-delay, 429s, transient 503s with Retry-After, a mirror host),
its process group killed with SIGKILL at seeded random moments, then crawled to the end.
Prints kills, report URLs captured of the simulator's truth, what was fetched again or
archived twice, per host the delay, the smallest gap between two requests and the most in
flight at once (from the simulator's access log), the statuses, and the time.

    .venv/bin/python bench/crash_hostile.py [--kills 10] [--seed 14] [--as-of 2024-06-30]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash_hostile import TOLERANCE, crash_and_finish
from tests.portalsim.world import build_world


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2024, 6, 30))
    parser.add_argument("--window", type=float, default=3.0,
                        help="each kill comes uniform(0, WINDOW) s after the part's first "
                             "request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-hostile-") as work:
        figures = crash_and_finish(build_world(0, 0), Path(work) / "home", kills=args.kills,
                                   seed=args.seed, as_of=args.as_of,
                                   last_year=args.as_of.year - 1, window=args.window)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for line in figures.lines():
        print(line)
    polite = all(gap >= figures.delay[h] - TOLERANCE and figures.max_in_flight[h] == 1
                 for h, gap in figures.min_gap.items())
    ok = (figures.final_exit == 0 and figures.verify_exit == 0 and not figures.missing
          and not figures.fetched_again and not figures.duplicated and polite)
    print("OK" if ok else "NOT OK")
    if figures.verify_exit:
        print(figures.verify_output)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
