"""A site registry folder for a test: shipped site entries with the test's own schedule
(``$XXGK_SITES_DIR`` points the commands at it)."""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.registry import SITES_DIR


def registry_with_schedule(folder: Path, keys: tuple[str, ...], cron: str) -> Path:
    folder.mkdir(parents=True)
    for key in keys:
        entry = yaml.safe_load((SITES_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
        entry["schedule"] = {"cron": cron}
        (folder / f"{key}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True),
                                            encoding="utf-8")
    return folder
