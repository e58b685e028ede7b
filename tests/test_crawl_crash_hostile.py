"""Killed three times on the hostile simulator, then finished: every report captured,
nothing fetched twice, the archive verifies, and politeness held across the restarts
(issue 14: each restart once sent a burst of 55-62 requests, all answered 429, and the
backoff never came down). `bench/crash_hostile.py` does the same with 10 kills and prints
the figures; the harness is `tests/crash_hostile.py`."""

from __future__ import annotations

from datetime import date

from tests.crash_hostile import TOLERANCE, crash_and_finish

# A small world: wenshang's reports of 2018 and 2019 only (seen from mid-2020), so that
# three restarts and the end fit in about a minute.
AS_OF, LAST_YEAR = date(2020, 6, 30), 2019


def test_three_kills_on_the_hostile_simulator_lose_nothing_and_stay_polite(tmp_path, world):
    figures = crash_and_finish(world, tmp_path / "home", kills=3, seed=14, as_of=AS_OF,
                               last_year=LAST_YEAR, window=2.0)
    report = "\n".join(figures.lines())
    assert figures.kills == 3, report
    assert figures.final_exit == 0, report
    assert figures.runs == [("wenshang", "finished", 3)], report
    assert figures.reports_expected > 20 and not figures.missing, report
    assert not figures.fetched_again, report
    assert not figures.duplicated, report
    assert figures.verify_exit == 0, figures.verify_output
    for host, gap in figures.min_gap.items():
        assert gap >= figures.delay[host] - TOLERANCE, report
        assert figures.max_in_flight[host] == 1, report
    assert not figures.status_counts.get(429), report  # never too fast for the portal
