"""Command line of the portal simulator: ``python -m tests.portalsim {serve,truth,summary}``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from datetime import date
from pathlib import Path

from .catalog_jpaas import OPT_IN_PORTALS
from .render_office import default_cache_dir
from .world import DEFAULT_AS_OF, build_world


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _world_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=DEFAULT_AS_OF,
                        help=f"the date the world is seen at (default {DEFAULT_AS_OF})")
    parser.add_argument("--scale", type=int, default=0,
                        help="add N generated county portals county{i}.sim.gov.cn (benchmarks)")
    parser.add_argument("--seed", type=int, default=0, help="world seed (default 0)")
    parser.add_argument("--extra", action="append", default=[], metavar="KEY",
                        choices=sorted(OPT_IN_PORTALS),
                        help="add an opt-in portal (laishan: the Hanweb jpaas portal "
                             "www.laishan.gov.cn); repeatable")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply every delay, rate limit and Crawl-delay (tests use 0.05)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.portalsim",
        description="Offline simulator of the county portals (Hanweb, TRS, Ucap) that publish "
                    "annual reports. It is an HTTP forward proxy: point a client's HTTP proxy at it "
                    "and request the real URLs (http://www.jiaxiang.gov.cn/...).")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the portals as an HTTP proxy on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any free)")
    _world_args(serve)
    serve.add_argument("--challenge-ttl", type=float, default=600,
                       help="seconds a solved JS challenge cookie stays valid (default 600)")
    serve.add_argument("--access-log", type=Path, help="append one JSON line per request here")
    serve.add_argument("--cache-dir", type=Path, default=default_cache_dir(),
                       help="where converted .doc/.pdf attachments are kept")
    serve.add_argument("--calm", action="store_true",
                       help="no transient errors, slowness, rate limits or dropped connections "
                            "(structural traps and the JS challenge stay)")
    serve.add_argument("--no-warm", action="store_true",
                       help="do not convert office attachments in the background at start")
    demo = sub.add_parser("demo", help="start the simulator, show what it holds and what a "
                                       "client gets through it (what `make demo` runs)")
    demo.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    demo.add_argument("--serve", action="store_true", help="keep serving afterwards (Ctrl-C)")
    demo.add_argument("--home", type=Path, help="crawl all sites into this xxgk home "
                                                "(without it: only show the simulator)")
    truth = sub.add_parser("truth", help="print the ground truth as JSON")
    _world_args(truth)
    summary = sub.add_parser("summary", help="print what the world holds at a date")
    _world_args(summary)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.port, keep_serving=args.serve, home=args.home)
    from .truth import summary as make_summary
    from .truth import truth as make_truth

    world = build_world(args.seed, args.scale, tuple(args.extra))
    if args.command == "truth":
        json.dump(make_truth(world, args.as_of, args.time_scale), sys.stdout, ensure_ascii=False,
                  indent=1)
        sys.stdout.write("\n")
    else:
        print_summary(make_summary(world, args.as_of))
    return 0


def print_summary(summary: dict, proxy: str | None = None) -> None:
    counts = summary["counts"]
    if proxy:
        print(f"portalsim listening on {proxy} (use it as the HTTP proxy)")
    print(f"world as of {summary['as_of']}: {counts['portals']} portals, {counts['units']} units, "
          f"{counts['reports']} reports ({counts['report_urls']} report URLs), "
          f"{counts['articles']} articles, {counts['decoys']} decoys")
    print("  by layout:    " + ", ".join(f"{k} {v}" for k, v in sorted(counts["by_layout"].items())))
    print("  by rendering: " + ", ".join(f"{k} {v}" for k, v in sorted(counts["by_rendering"].items())))
    print(f"  inconsistent on purpose: {counts['inconsistent']}; removed: {counts['reports_removed']}")
    hosts = summary["hosts"]
    print("  hosts: " + ", ".join(hosts[:8]) + (f" ... (+{len(hosts) - 8})" if len(hosts) > 8 else ""))
    for name, event in summary["events"].items():
        print(f"  event {name:<8} {event['at']}  {event['report']}")


def _serve(args: argparse.Namespace) -> int:
    from .server import Options, RunningSimulator
    from .truth import summary as make_summary

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    started = time.monotonic()
    options = Options(seed=args.seed, scale=args.scale, as_of=args.as_of,
                      time_scale=args.time_scale, challenge_ttl=args.challenge_ttl,
                      cache_dir=args.cache_dir, access_log=args.access_log,
                      warm_office=not args.no_warm, calm=args.calm, extra=tuple(args.extra))
    running = RunningSimulator(options, args.port).start()
    print_summary(make_summary(running.simulator.world, args.as_of), running.proxy)
    print(f"ready in {time.monotonic() - started:.1f} s; Ctrl-C to stop", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
