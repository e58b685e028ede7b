"""`xxgk sites probe URL` and `xxgk sites list`: the site registry for operators.

A new portal becomes one command and a review: the probe reads the portal (``crawler.probe``)
and prints the entry with the evidence for each value; ``--write`` saves it to the registry
folder, where ``crawler.registry`` checks it like any hand-written entry.
"""

from __future__ import annotations

from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from archive.cli_output import CliError, ExitCode, emit
from crawler.probe import Fetcher, ProbeError, probe
from crawler.registry import RegistryError, load_registry, parse_site, registry_dir

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                  help="The site registry: probe a portal for its ready entry (--write saves "
                       "it), list the sites the crawler knows.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("probe")
def probe_command(
    url: Annotated[str, typer.Argument(help="The portal's home page, e.g. "
                                            "http://www.jiaxiang.gov.cn/")],
    proxy: Annotated[str | None, typer.Option("--proxy", help="HTTP proxy for every request "
                                              "(as `xxgk crawl --proxy`).")] = None,
    key: Annotated[str | None, typer.Option("--key", help="The entry's key (default: from "
                                            "the host name).")] = None,
    write: Annotated[bool, typer.Option("--write", help="Save the entry to the registry "
                                        "folder ($XXGK_SITES_DIR or the shipped one).")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --write: replace an existing "
                                        "entry of that key.")] = False,
    pause: Annotated[float, typer.Option("--pause", min=0, help="Seconds between the probe's "
                                         "requests.")] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read a portal and print its registry entry: the CMS (Hanweb JCMS, jpaas, TRS, Ucap,
    unknown), its annual-report column(s), webid, the dataproxy path and form its own pages
    use (proved by one listing request), the xxgk platform, its area code and annual-report
    endpoint. Review it, then `--write` it; a crawl of the new key follows."""
    if not url.startswith(("http://", "https://")):
        raise CliError(ExitCode.USAGE, f"not an http(s) URL: {url}", "usage")
    try:
        found = probe(url, Fetcher(proxy, pause), key)
    except ProbeError as exc:
        raise CliError(ExitCode.FAILED, str(exc), "probe") from exc
    try:
        parse_site(found.entry, f"probe of {url}")
    except RegistryError as exc:  # the probe's own bug, or a portal it misread
        raise CliError(ExitCode.FAILED, f"the entry the probe made is not valid: {exc}",
                       "probe") from exc
    path = registry_dir() / f"{found.entry['key']}.yaml"
    if write:
        if path.exists() and not force:
            raise CliError(ExitCode.USAGE, f"{path} exists; --force replaces it", "exists")
        path.write_text(_yaml(found), encoding="utf-8")
    if as_json:
        emit({"url": url, "cms": found.cms, "entry": found.entry, "evidence": found.evidence,
              "warnings": found.warnings, "written": str(path) if write else None})
        return
    for line in found.evidence:
        err.print(f"  {escape(line)}")
    for line in found.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(line)}")
    out.print(escape(_yaml(found)), end="")
    if write:
        err.print(f"written: {path}")


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The sites of the registry: key, CMS, home page."""
    try:
        sites = load_registry()
    except RegistryError as exc:
        raise CliError(ExitCode.USAGE, f"registry error: {exc}", "registry") from exc
    if as_json:
        emit([{"key": s.key, "name": s.name, "cms": s.cms, "home": s.home}
              for s in sites.values()])
        return
    for site in sites.values():
        out.print(f"{site.key}\t{site.cms}\t{site.home}\t{escape(site.name)}")


def _yaml(found) -> str:  # type: ignore[no-untyped-def]
    head = f"# {found.entry['name'] or found.entry['key']}: written by `xxgk sites probe " \
           f"{found.url}` ({found.cms})\n"
    return head + yaml.safe_dump(found.entry, allow_unicode=True, sort_keys=False)
