"""``papers.lock``: the metadata fetch-refs resolved for each citekey (JSON, committed).

papers.toml says what to cite, papers.lock what the sources said, refs.bib is rendered from
both. A stored record stays valid while the entry's identifier is unchanged, so a re-run
with nothing new makes no request, and ``--offline`` works on a fresh clone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from survey.files import write_atomic
from survey.record import Paper

FORMAT_VERSION = 1


class StoreError(Exception):
    """papers.lock is unreadable; the message names the file and key."""


@dataclass(frozen=True)
class Stored:
    query: str  # the identifier the record was fetched for ("arxiv:2111.06377")
    paper: Paper


def load(path: Path) -> dict[str, Stored]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable ({exc}); delete it to fetch everything again") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise StoreError(f"{path}: unknown format (expected version {FORMAT_VERSION})")
    stored = {}
    for key, item in data.get("papers", {}).items():
        try:
            stored[key] = Stored(item["query"], Paper.from_json(item["record"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"{path}: entry {key!r} is invalid ({exc})") from None
    return stored


def dumps(stored: dict[str, Stored]) -> str:
    papers = {key: {"query": s.query, "record": s.paper.to_json()} for key, s in sorted(stored.items())}
    return json.dumps({"version": FORMAT_VERSION, "papers": papers}, indent=1, ensure_ascii=False) + "\n"


def save(path: Path, stored: dict[str, Stored]) -> None:
    write_atomic(path, dumps(stored))
