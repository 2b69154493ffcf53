"""Semantic Scholar Graph API: parse batch and title-match responses (pure) and fetch them
(thin client). S2 tells us whether and where a paper was published."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from survey.bibliography import latex
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
        title=latex.decode(str(data.get("title") or "")),
        authors=tuple(latex.decode(str(a["name"])) for a in data.get("authors") or () if a.get("name")),
        year=data.get("year"),
        venues=tuple(dict.fromkeys(latex.decode(n) for n in names if isinstance(n, str) and n.strip())),
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


# --- the citation graph (``survey suggest``) ------------------------------------------------

#: What a suggestion shows and is matched by; asked for the listed papers and, prefixed with
#: ``references.`` / ``citations.``, for the papers they cite and are cited by.
GRAPH_FIELDS = ("paperId", "externalIds", "title", "year", "venue", "publicationDate")
NESTED_PER_PAPER = 1000  # documented: "up to 1000" nested references/citations per paper
NESTED_PER_BATCH = 9999  # observed: one batch answer carries at most 9,999 nested items of a kind
PAGE_LIMIT = 1000  # /paper/{id}/references|citations: at most 1,000 per page
OFFSET_WINDOW = 10_000  # ... and offset + limit must stay under 10,000
_NESTED_KEY = {"references": "citedPaper", "citations": "citingPaper"}


@dataclass(frozen=True)
class GraphPaper:
    """A node of the citation graph: the identifiers and what a suggestion line shows."""

    paper_id: str
    title: str
    year: int | None = None
    venue: str | None = None
    date: str | None = None  # publicationDate
    arxiv: str | None = None
    doi: str | None = None
    corpus_id: int | None = None


@dataclass(frozen=True)
class GraphRecord:
    """One element of a batch answer asked with nested ``references.*`` / ``citations.*``.

    ``lists`` holds the resolved papers of each nested list that was asked for; ``returned``
    how many items S2 sent (unresolved ones included) and ``counts`` how many it knows of,
    so the caller can tell a list cut by a cap from a complete one."""

    paper: GraphPaper
    counts: dict[str, int | None]
    lists: dict[str, tuple[GraphPaper, ...]]
    returned: dict[str, int]


def _graph_paper(data: Any) -> GraphPaper | None:
    if not isinstance(data, dict) or not isinstance(data.get("paperId"), str) or not data["paperId"]:
        return None  # S2 could not resolve this reference to a paper of its own
    ids = data.get("externalIds") or {}
    corpus = ids.get("CorpusId")
    year = data.get("year")
    return GraphPaper(
        paper_id=data["paperId"],
        title=" ".join(str(data.get("title") or "").split()),
        year=year if isinstance(year, int) else None,
        venue=data["venue"].strip() or None if isinstance(data.get("venue"), str) else None,
        date=data.get("publicationDate") if isinstance(data.get("publicationDate"), str) else None,
        arxiv=ids.get("ArXiv") if isinstance(ids.get("ArXiv"), str) else None,
        doi=ids["DOI"].lower() if isinstance(ids.get("DOI"), str) else None,
        corpus_id=int(corpus) if isinstance(corpus, int | str) and str(corpus).isdigit() else None,
    )


def parse_graph_batch(body: bytes, kinds: Sequence[str]) -> list[GraphRecord | None]:
    """A ``POST /paper/batch`` answer with nested ``kinds`` ("references", "citations")."""
    data = _load(body)
    if not isinstance(data, list):
        raise MalformedJSON("Semantic Scholar batch answer is not a JSON list")
    records: list[GraphRecord | None] = []
    for item in data:
        paper = _graph_paper(item)
        if paper is None:
            records.append(None)
            continue
        lists, returned, counts = {}, {}, {}
        for kind in kinds:
            raw = item.get(kind)
            if not isinstance(raw, list):
                raise MalformedJSON(f"Semantic Scholar batch answer has no {kind} list for {paper.paper_id}")
            lists[kind] = tuple(p for p in map(_graph_paper, raw) if p is not None)
            returned[kind] = len(raw)
            count = item.get("referenceCount" if kind == "references" else "citationCount")
            counts[kind] = count if isinstance(count, int) else None
        records.append(GraphRecord(paper, counts, lists, returned))
    return records


def parse_graph_page(body: bytes, kind: str) -> tuple[list[GraphPaper], int, int | None]:
    """One ``/paper/{id}/references|citations`` page: (resolved papers, items sent, next offset)."""
    data = _load(body)
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MalformedJSON(f"Semantic Scholar {kind} page has no data list")
    papers = [p for p in (_graph_paper(i.get(_NESTED_KEY[kind]) if isinstance(i, dict) else None) for i in items) if p]
    following = data.get("next")
    return papers, len(items), following if isinstance(following, int) else None


def parse_recommendations(body: bytes) -> list[GraphPaper]:
    """A recommendations answer: ``{"recommendedPapers": [...]}``, best first."""
    data = _load(body)
    items = data.get("recommendedPapers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MalformedJSON("Semantic Scholar recommendations answer has no recommendedPapers list")
    return [p for p in map(_graph_paper, items) if p is not None]


def graph_fields(kinds: Sequence[str]) -> str:
    counts = [{"references": "referenceCount", "citations": "citationCount"}[k] for k in kinds]
    nested = [f"{kind}.{name}" for kind in kinds for name in GRAPH_FIELDS]
    return ",".join([*GRAPH_FIELDS, *counts, *nested])


def fetch_graph_batch(client: PacedClient, ids: Sequence[str], kinds: Sequence[str]) -> list[GraphRecord | None]:
    """One ``POST /paper/batch`` for ≤ 500 ids (paperIds, ``ARXIV:``, ``DOI:``, ``CorpusId:``)."""
    if len(ids) > MAX_IDS_PER_REQUEST:
        raise ValueError(f"at most {MAX_IDS_PER_REQUEST} ids per batch")

    def handle(response: httpx.Response) -> list[GraphRecord | None]:
        if response.status_code == 400 and b"No valid paper ids given" in response.content:
            return [None] * len(ids)
        check_status(response, "Semantic Scholar")
        records = parse_graph_batch(response.content, kinds)
        if len(records) != len(ids):
            raise MalformedJSON(f"Semantic Scholar returned {len(records)} records for {len(ids)} ids")
        return records

    return client.request(
        "POST", f"{base_url()}/paper/batch", handle, params={"fields": graph_fields(kinds)}, json={"ids": list(ids)}
    )


def fetch_graph_page(
    client: PacedClient, paper_id: str, kind: str, offset: int, limit: int
) -> tuple[list[GraphPaper], int, int | None]:
    """One page of a paper's references or citations (``limit`` ≤ 1,000 inside the offset window)."""
    if not (0 < limit <= PAGE_LIMIT and offset + limit < OFFSET_WINDOW):
        raise ValueError(f"page offset={offset} limit={limit} is outside what the API serves")

    def handle(response: httpx.Response) -> tuple[list[GraphPaper], int, int | None]:
        check_status(response, "Semantic Scholar")
        return parse_graph_page(response.content, kind)

    fields = ",".join(GRAPH_FIELDS)
    params = {"fields": fields, "offset": str(offset), "limit": str(limit)}
    return client.request("GET", f"{base_url()}/paper/{paper_id}/{kind}", handle, params=params)


def recommendations_url() -> str:
    """``SURVEY_S2_RECOMMENDATIONS_URL``, else the Graph API's sibling ``/recommendations/v1``."""
    explicit = os.environ.get("SURVEY_S2_RECOMMENDATIONS_URL")
    if explicit:
        return explicit.rstrip("/")
    graph = base_url()
    root = graph[: -len("/graph/v1")] if graph.endswith("/graph/v1") else graph
    return f"{root}/recommendations/v1"


def fetch_recommendations(
    client: PacedClient, positive: Sequence[str], negative: Sequence[str], limit: int
) -> list[GraphPaper]:
    """``POST /recommendations/v1/papers``: papers like ``positive`` and unlike ``negative``."""

    def handle(response: httpx.Response) -> list[GraphPaper]:
        check_status(response, "Semantic Scholar recommendations")
        return parse_recommendations(response.content)

    return client.request(
        "POST",
        f"{recommendations_url()}/papers",
        handle,
        params={"fields": ",".join(GRAPH_FIELDS), "limit": str(min(max(limit, 1), 500))},
        json={"positivePaperIds": list(positive), "negativePaperIds": list(negative)},
    )
