"""Semantic Scholar Graph API: parse batch and title-match responses (pure) and fetch them
(thin client). S2 tells us whether and where a paper was published."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from survey.sources.http import PacedClient, Policy, RetryableResponse, SourceError, check_status

DEFAULT_URL = "https://api.semanticscholar.org/graph/v1"
MAX_IDS_PER_REQUEST = 500
FIELDS = "title,authors,year,venue,publicationVenue,journal,externalIds,publicationTypes,url,publicationDate"


@dataclass(frozen=True)
class S2Paper:
    """The parts of an S2 paper record that bibliography metadata needs."""

    paper_id: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    venues: tuple[str, ...]  # publicationVenue.name, venue, journal.name: best first
    publication_types: tuple[str, ...]
    doi: str | None
    dblp: str | None
    arxiv: str | None
    volume: str | None
    pages: str | None
    url: str | None
    date: str | None = None  # publicationDate, YYYY-MM-DD


class MalformedJSON(RetryableResponse):
    """A truncated or garbled JSON body."""


def _load(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedJSON(f"Semantic Scholar body is not valid JSON ({exc})") from None


def _paper(data: dict[str, Any]) -> S2Paper:
    ids = data.get("externalIds") or {}
    journal = data.get("journal") or {}
    venue = data.get("publicationVenue") or {}
    names = [venue.get("name"), data.get("venue"), journal.get("name")]
    return S2Paper(
        paper_id=str(data.get("paperId", "")),
        title=" ".join(str(data.get("title") or "").split()),
        authors=tuple(str(a["name"]) for a in data.get("authors") or () if a.get("name")),
        year=data.get("year"),
        venues=tuple(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip())),
        publication_types=tuple(data.get("publicationTypes") or ()),
        doi=ids.get("DOI"),
        dblp=ids.get("DBLP"),
        arxiv=ids.get("ArXiv"),
        volume=(journal.get("volume") or "").strip() or None,
        pages=(journal.get("pages") or "").strip() or None,
        url=data.get("url"),
        date=data.get("publicationDate") if isinstance(data.get("publicationDate"), str) else None,
    )


def parse_batch(body: bytes) -> list[S2Paper | None]:
    """A ``POST /paper/batch`` answer: one element per id asked for, ``None`` for unknown ids."""
    data = _load(body)
    if not isinstance(data, list):
        raise MalformedJSON("Semantic Scholar batch answer is not a JSON list")
    return [_paper(item) if isinstance(item, dict) else None for item in data]


def parse_match(body: bytes) -> S2Paper | None:
    """A ``GET /paper/search/match`` answer: the best match, if any."""
    data = _load(body)
    items = data.get("data") if isinstance(data, dict) else None
    if not items:
        return None
    return _paper(items[0])


def base_url() -> str:
    return os.environ.get("SURVEY_S2_URL", DEFAULT_URL).rstrip("/")


def new_client() -> PacedClient:
    """S2's shared pool allows about one request per second (0.05 s of margin, as for arXiv); an
    API key is sent as ``x-api-key`` and never appears in any output."""
    key = os.environ.get("S2_API_KEY")
    return PacedClient(Policy.from_env("S2", min_interval=1.05), headers={"x-api-key": key} if key else None)


def _batch_handler(count: int) -> Callable[[httpx.Response], list[S2Paper | None]]:
    def handle(response: httpx.Response) -> list[S2Paper | None]:
        if response.status_code == 400 and b"No valid paper ids given" in response.content:
            return [None] * count  # S2's answer when none of the ids resolve
        check_status(response, "Semantic Scholar")
        papers = parse_batch(response.content)
        if len(papers) != count:
            raise MalformedJSON(f"Semantic Scholar returned {len(papers)} records for {count} ids")
        return papers

    return handle


def _match_handler(response: httpx.Response) -> S2Paper | None:
    if response.status_code == 404:  # "Title match not found"
        return None
    check_status(response, "Semantic Scholar")
    return parse_match(response.content)


def fetch_batch(
    client: PacedClient, ids: Sequence[str], on_progress: Callable[[int], None] | None = None
) -> tuple[dict[str, S2Paper | None], dict[str, str]]:
    """Look up ``ARXIV:``/``DOI:``/paper ids, 500 per request; returns (answers, failed)."""
    answers: dict[str, S2Paper | None] = {}
    failed: dict[str, str] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), MAX_IDS_PER_REQUEST):
        batch = unique[start : start + MAX_IDS_PER_REQUEST]
        try:
            papers = client.request(
                "POST",
                f"{base_url()}/paper/batch",
                _batch_handler(len(batch)),
                params={"fields": FIELDS},
                json={"ids": batch},
            )
        except SourceError as exc:
            failed.update((i, f"Semantic Scholar: {exc}") for i in batch)
            continue
        answers.update(zip(batch, papers, strict=True))
        if on_progress:
            on_progress(len(batch))
    return answers, failed


def match_title(client: PacedClient, title: str) -> S2Paper | None:
    """S2's best title match (the caller decides whether to trust it)."""
    return client.request(
        "GET", f"{base_url()}/paper/search/match", _match_handler, params={"query": title, "fields": FIELDS}
    )
