"""How a crawl run went, in one word and one reason: what `xxgk crawl` exits with, what
`xxgk runs` and `xxgk status` show.

A run that reached its end is not a failure for the pages that failed in it (a portal always
has a few broken links: they are ``crawl_failures`` rows). It failed when the site did not
answer at all, or when it stopped before its end for a reason the operator did not set. It is
``incomplete`` when it reached its end but a listing gave fewer records than the portal says
it has (a refused pager, a truncated column): reports may be missing, and nothing else would
tell the operator, so it is never reported as a success.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.models import FINISHED, INTERRUPTED, RUNNING, CrawlFailure, CrawlRun

SUCCEEDED, FAILED = "succeeded", "failed"  # besides the run states running and interrupted
INCOMPLETE = "incomplete"  # reached its end, but listings read short (crawler.listings)
OUTCOMES = (RUNNING, SUCCEEDED, INCOMPLETE, FAILED, INTERRUPTED)
# Scrapy's reasons for stopping at a limit the operator set (--max-pages, CLOSESPIDER_*).
LIMIT_PREFIX = "closespider_"


def unreachable(run: CrawlRun) -> bool:
    """The run made requests and got no HTTP answer below 500: every one failed at the
    network (refused, timed out, reset) or with a server error. The portal is down, not
    merely missing a page. (Also the rule of the scheduler's ``site.unreachable`` event.)"""
    counts = {int(k): v for k, v in json.loads(run.status_counts or "{}").items()}
    return run.requests > 0 and not any(n for status, n in counts.items() if status < 500)


def outcome(run: CrawlRun) -> str:
    """running, failed (unreachable), interrupted (stopped early, resumable), incomplete
    (listings read short), succeeded."""
    if run.state == RUNNING:
        return RUNNING
    if unreachable(run):
        return FAILED
    if run.state != FINISHED and not (run.finish_reason or "").startswith(LIMIT_PREFIX):
        return INTERRUPTED
    if run.incomplete:
        return INCOMPLETE
    return SUCCEEDED


def trouble(session: Session, run: CrawlRun) -> str | None:
    """Why the run is not a success, for people (None: it is one, or still running)."""
    result = outcome(run)
    if result == FAILED:
        first = session.scalars(select(CrawlFailure).where(CrawlFailure.crawl_run_id == run.id)
                                .order_by(CrawlFailure.id).limit(1)).first()
        detail = f"; first: {first.kind} at {first.url}: {first.reason}" if first else ""
        return f"unreachable: no answer below 500 to {run.requests} request(s){detail}"
    if result == INTERRUPTED:
        return (f"interrupted ({run.finish_reason or 'stopped early'}); the next crawl of "
                "the site resumes it")
    if result == INCOMPLETE:
        first = session.scalars(select(CrawlFailure).where(
            CrawlFailure.crawl_run_id == run.id, CrawlFailure.kind == INCOMPLETE)
            .order_by(CrawlFailure.id).limit(1)).first()
        detail = f"; first: {first.reason}" if first else ""
        return (f"incomplete: {run.incomplete} listing(s) read fewer records than the portal "
                f"advertises{detail} (xxgk failures {run.id})")
    return None
