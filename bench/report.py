"""Writing a benchmark's JSON report: `write_report(folder, "bench", report)` → folder/bench-<UTC stamp>.json."""

from __future__ import annotations

import json
import time
from pathlib import Path


def utc_stamp() -> str:
    """The current UTC time as report files name it: 20261202T213504."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime())


def write_report(folder: Path | str, prefix: str, report: dict, stamp: str | None = None) -> Path:
    """Write `report` as UTF-8 JSON to `folder`/`prefix`-`stamp`.json (folder created; stamp: now, UTC); the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{prefix}-{stamp or utc_stamp()}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
