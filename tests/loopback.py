"""Loopback HTTP servers that speak the arXiv API and the Semantic Scholar Graph API formats.

They render responses in the shapes recorded in tests/samples (Atom feeds as
export.arxiv.org sends them today; S2 batch / match JSON), keep a log of every request, and
play scripted faults. Used by the tests and the benchmark; they listen on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

#: How early a request may seem to arrive. These servers run in the client's process, so a
#: request's handler thread can wait for the GIL (one switch interval) before it notes the time,
#: and the next request's may not: the gap seen here is the client's, give or take that wait.
TIMING_SLACK = 2 * sys.getswitchinterval()

# A fault is a callable run instead of the normal answer: fault(handler, ids) -> None.
Fault = Callable[["_Handler", list[str]], None]


@dataclass
class Logged:
    time: float
    method: str
    path: str
    ids: list[str]
    headers: dict[str, str]


@dataclass
class ArxivPaper:
    id: str  # without version
    title: str
    authors: list[str]
    published: str = "2021-11-11T18:46:40Z"
    versions: int = 1
    category: str = "cs.CV"
    doi: str | None = None
    journal_ref: str | None = None


@dataclass
class _State:
    log: list[Logged] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0
    min_interval: float = 0.0  # answer 429 (S2) / "Rate exceeded." (arXiv) to faster clients
    last_start: float | None = None
    throttled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        self._dispatch("GET", time.monotonic(), b"")

    def do_POST(self) -> None:
        arrived = time.monotonic()  # before the body is read: pacing counts from the request's arrival
        self._dispatch("POST", arrived, self._body())

    def _dispatch(self, method: str, now: float, body: bytes) -> None:
        owner = self.server.owner
        state = owner.state
        ids = owner.request_ids(method, self.path, body)
        with state.lock:
            too_fast = (
                state.min_interval
                and state.last_start is not None
                and now - state.last_start < state.min_interval - TIMING_SLACK
            )
            state.last_start = now
            state.log.append(Logged(now, method, self.path, ids, dict(self.headers)))
            fault = state.faults.pop(0) if state.faults else None
        if state.latency:
            time.sleep(state.latency)
        if too_fast:
            state.throttled += 1
            owner.throttle(self)
        elif fault is not None:
            fault(self, ids)
        else:
            owner.answer(self, method, ids, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: Any


class _Service:
    def __init__(self) -> None:
        self.state = _State()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def log(self) -> list[Logged]:
        return self.state.log

    def fail_next(self, *faults: Fault) -> None:
        self.state.faults.extend(faults)

    def request_ids(self, method: str, path: str, body: bytes) -> list[str]:
        raise NotImplementedError

    def answer(self, handler: _Handler, method: str, ids: list[str], body: bytes) -> None:
        raise NotImplementedError

    def throttle(self, handler: _Handler) -> None:
        raise NotImplementedError


# --- arXiv ---------------------------------------------------------------------------------


def _atom_entry(paper: ArxivPaper, version: int) -> str:
    vid = f"{paper.id}v{version}"
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in paper.authors)
    extra = ""
    if paper.doi:
        extra += f'\n    <link href="https://doi.org/{escape(paper.doi)}" rel="related" title="doi"/>'
        extra += f"\n    <arxiv:doi>{escape(paper.doi)}</arxiv:doi>"
    if paper.journal_ref:
        extra += f"\n    <arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>"
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <title>{escape(paper.title)}</title>
    <updated>{paper.published}</updated>
    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>
    <summary>An abstract.</summary>
    <category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
    <published>{paper.published}</published>
    <arxiv:comment>10 pages</arxiv:comment>
    <arxiv:primary_category term="{paper.category}"/>{extra}{authors}
  </entry>"""


def atom_feed(entries: list[str], query: str = "", total: int | None = None, start: int = 0) -> bytes:
    """A feed in the current export.arxiv.org format (see api-samples/arxiv/arxivpy-*.xml)."""
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/loopback</id>
  <title>arXiv Query: {escape(query)}</title>
  <updated>2026-04-12T22:10:19Z</updated>
  <link href="https://arxiv.org/api/query?{escape(query)}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{len(entries) if total is None else total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>{"".join(entries)}
</feed>
""".encode()


class FakeArxiv(_Service):
    """``/api/query`` with ``id_list`` by GET or POST, like export.arxiv.org."""

    def __init__(self, papers: list[ArxivPaper] | None = None) -> None:
        super().__init__()
        self.papers = {p.id: p for p in papers or []}

    @property
    def url(self) -> str:
        return f"{self.base}/api/query"

    @staticmethod
    def _query(method: str, path: str, body: bytes) -> dict[str, list[str]]:
        query = parse_qs(urlsplit(path).query)
        if method == "POST":
            query.update(parse_qs(body.decode()))
        return query

    def request_ids(self, method: str, path: str, body: bytes) -> list[str]:
        return [i for i in ",".join(self._query(method, path, body).get("id_list", [""])).split(",") if i]

    def feed_for(self, ids: list[str], start: int = 0, max_results: int | None = None) -> bytes:
        """The feed for an id list; like arXiv, one page of ``max_results`` from ``start``."""
        entries = []
        for wanted in ids:
            match = re.match(r"^(.*?)(?:v(\d+))?$", wanted)
            assert match
            base, pinned = match[1], int(match[2]) if match[2] else None
            paper = self.papers.get(base)
            if paper and (pinned is None or pinned <= paper.versions):
                entries.append(_atom_entry(paper, pinned or paper.versions))
        total = len(entries)
        page = entries[start : start + (10 if max_results is None else max_results)]
        return atom_feed(page, f"id_list={','.join(ids)}", total=total, start=start)

    def answer(self, handler: _Handler, method: str, ids: list[str], body: bytes) -> None:
        query = self._query(method, handler.path, body)
        start = int(query.get("start", ["0"])[0])
        max_results = int(query["max_results"][0]) if "max_results" in query else None
        handler.send(200, self.feed_for(ids, start, max_results), "application/atom+xml; charset=utf-8")

    def throttle(self, handler: _Handler) -> None:
        handler.send(200, b"Rate exceeded.", "text/plain")


# --- Semantic Scholar ----------------------------------------------------------------------


def s2_record(
    title: str,
    authors: list[str],
    year: int,
    venue: str = "",
    arxiv: str | None = None,
    doi: str | None = None,
    dblp: str | None = None,
    types: list[str] | None = None,
    journal: dict[str, str] | None = None,
    publication_venue: str | None = None,
) -> dict[str, Any]:
    """A paper in the shape of api-samples/s2/batch_with_null_for_unknown.json."""
    ids: dict[str, Any] = {"CorpusId": abs(hash(title)) % 10**8}
    if arxiv:
        ids["ArXiv"] = arxiv
    if doi:
        ids["DOI"] = doi
    if dblp:
        ids["DBLP"] = dblp
    return {
        "paperId": f"{abs(hash(title)) % 16**40:040x}",
        "externalIds": ids,
        "url": "https://www.semanticscholar.org/paper/x",
        "title": title,
        "venue": venue,
        "publicationVenue": {"id": "v", "name": publication_venue, "type": "conference"} if publication_venue else None,
        "year": year,
        "publicationTypes": types or (["Conference"] if venue else None),
        "journal": journal,
        "authors": [{"authorId": str(i), "name": name} for i, name in enumerate(authors)],
    }


class FakeS2(_Service):
    """``POST /graph/v1/paper/batch`` and ``GET /graph/v1/paper/search/match``."""

    def __init__(self, records: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.records = records or {}  # "ARXIV:2111.06377" / "DOI:10..." -> record
        self.titles: dict[str, dict[str, Any]] = {}  # lower-case title query -> record

    @property
    def url(self) -> str:
        return f"{self.base}/graph/v1"

    def request_ids(self, method: str, path: str, body: bytes) -> list[str]:
        if method == "POST":
            try:
                return list(json.loads(body or b"{}").get("ids", []))
            except ValueError:
                return []
        return parse_qs(urlsplit(path).query).get("query", [])

    def answer(self, handler: _Handler, method: str, ids: list[str], body: bytes) -> None:
        path = urlsplit(handler.path).path
        if method == "POST" and path.endswith("/paper/batch"):
            found = [self.records.get(i) for i in ids]
            if not any(found):
                handler.send(400, b'{"error":"No valid paper ids given"}', "application/json")
            else:
                handler.send(200, json.dumps(found).encode(), "application/json")
        elif method == "GET" and path.endswith("/paper/search/match"):
            record = self.titles.get(ids[0].lower()) if ids else None
            if record is None:
                handler.send(404, b'{"error":"Title match not found"}', "application/json")
            else:
                data = {"data": [{**record, "matchScore": 187.3}]}
                handler.send(200, json.dumps(data).encode(), "application/json")
        else:
            handler.send(404, b'{"error":"Not found"}', "application/json")

    def throttle(self, handler: _Handler) -> None:
        handler.send(
            429,
            b'{"message": "Too Many Requests. Please wait and try again or apply for a key '
            b'for higher rate limits.", "code": "429"}',
            "application/json",
        )


# --- scripted faults ----------------------------------------------------------------------


def status(
    code: int, body: bytes = b"", headers: dict[str, str] | None = None, content_type: str = "text/plain"
) -> Fault:
    return lambda handler, ids: handler.send(code, body, content_type, headers)


def rate_exceeded(code: int = 200) -> Fault:
    """arXiv's overload answer: plain text, status 200 or 429, no Retry-After."""
    return status(code, b"Rate exceeded.")


def truncated(service: _Service) -> Fault:
    """Announce the full body, send half of it, close the connection."""

    def fault(handler: _Handler, ids: list[str]) -> None:
        body = (
            service.feed_for(ids)
            if isinstance(service, FakeArxiv)
            else json.dumps([service.records.get(i) for i in ids]).encode()
        )
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.close_connection = True

    return fault


def garbled(content_type: str = "application/atom+xml") -> Fault:
    return status(200, b"<?xml version='1.0'?><feed><entry><id>oops", content_type=content_type)


def empty_feed() -> Fault:
    return lambda handler, ids: handler.send(200, atom_feed([], "id_list=" + ",".join(ids)), "application/atom+xml")


def partial_feed(service: FakeArxiv, keep: int) -> Fault:
    """Answer with only the first ``keep`` of the ids asked for, as arXiv does under load."""
    return lambda handler, ids: handler.send(200, service.feed_for(ids[:keep], 0, keep), "application/atom+xml")


def stall(seconds: float) -> Fault:
    def fault(handler: _Handler, ids: list[str]) -> None:
        time.sleep(seconds)
        handler.close_connection = True

    return fault


def hang_up() -> Fault:
    def fault(handler: _Handler, ids: list[str]) -> None:
        handler.close_connection = True
        handler.connection.shutdown(2)

    return fault


# --- Semantic Scholar: the citation graph (survey suggest) ---------------------------------


def graph_paper(
    pid: str,
    title: str,
    year: int | None = None,
    *,
    arxiv: str | None = None,
    doi: str | None = None,
    date: str | None = None,
    venue: str = "",
    corpus: int | None = None,
) -> dict[str, Any]:
    """A paper in the shape of the items of api-samples/s2/get_paper_nested_citations_references_full.json."""
    ids: dict[str, Any] = {"CorpusId": corpus if corpus is not None else int(pid[:7], 16)}
    if arxiv:
        ids["ArXiv"] = arxiv
    if doi:
        ids["DOI"] = doi
    return {
        "paperId": pid,
        "externalIds": ids,
        "url": f"https://www.semanticscholar.org/paper/{pid}",
        "title": title,
        "venue": venue,
        "year": year,
        "publicationDate": date,
        "authors": [{"authorId": "1", "name": "A. Author"}],
    }


class FakeS2Graph(FakeS2):
    """``POST /paper/batch`` with nested ``references.*``/``citations.*`` fields,
    ``GET /paper/{id}/references|citations`` pages and ``POST /recommendations/v1/papers``,
    with the limits the real API has (see tests/samples/README.md): 1,000 nested items a paper,
    9,999 nested citations a batch answer (the later papers get ``[]``), 1,000 items a page,
    ``offset + limit`` under 10,000. Unknown ids are ``null``; ``/paper/search/match`` and
    fetch-refs' batches work as in FakeS2."""

    def __init__(self, papers: list[dict[str, Any]], references: dict[str, list[str]]) -> None:
        super().__init__()
        self.papers = {p["paperId"]: p for p in papers}
        self.references = references
        self.citations: dict[str, list[str]] = {}
        for citing in sorted(references):
            for cited in references[citing]:
                self.citations.setdefault(cited, []).append(citing)
        self.unresolved: dict[str, int] = {}  # paperId -> references S2 could not resolve (paperId null)
        self.per_paper = 1000
        self.per_batch = {"citations": 9999}
        self.recommended: list[str] = []
        self.recommend_bodies: list[dict[str, Any]] = []  # what each recommendations request asked
        self._by_external: dict[str, dict[str, Any]] = {}
        self._indexed = -1

    def lookup(self, ident: str) -> dict[str, Any] | None:
        """A paper by paperId, ``ARXIV:``, ``DOI:`` (any case) or ``CorpusId:``."""
        if ident in self.papers:
            return self.papers[ident]
        if self._indexed != len(self.papers):  # first paper wins, as S2 answers with one record
            names = {"ArXiv": "ARXIV", "DOI": "DOI", "CorpusId": "CorpusId"}
            self._by_external = {}
            for paper in self.papers.values():
                for name, value in paper["externalIds"].items():
                    if name in names:
                        self._by_external.setdefault(f"{names[name]}:{str(value).lower()}", paper)
            self._indexed = len(self.papers)
        kind, _, value = ident.partition(":")
        return self._by_external.get(f"{kind}:{value.lower()}")

    @staticmethod
    def _project(paper: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        return {"paperId": paper["paperId"], **{f: paper.get(f) for f in fields if f != "paperId"}}

    def _nested(self, kind: str, pid: str) -> list[dict[str, Any]]:
        items = [self.papers[p] for p in (self.references if kind == "references" else self.citations).get(pid, [])]
        if kind == "references":
            items += [{"paperId": None, "title": f"Unresolved {i}"} for i in range(self.unresolved.get(pid, 0))]
        return items

    def answer(self, handler: _Handler, method: str, ids: list[str], body: bytes) -> None:
        split = urlsplit(handler.path)
        query = parse_qs(split.query)
        fields = ",".join(query.get("fields", [""])).split(",")
        page = re.search(r"/paper/([^/]+)/(references|citations)$", split.path)
        if method == "POST" and split.path.endswith("/paper/batch"):
            self._batch(handler, ids, fields)
        elif method == "GET" and page:
            self._page(handler, page[1], page[2], query, fields)
        elif method == "POST" and split.path.endswith("/recommendations/v1/papers"):
            self.recommend_bodies.append(json.loads(body or b"{}"))
            positive = self.recommend_bodies[-1].get("positivePaperIds") or []
            if not positive:
                handler.send(400, b'{"error":"No positive paper examples given"}', "application/json")
                return
            limit = int(query.get("limit", ["100"])[0])
            data = {"recommendedPapers": [self._project(self.papers[p], fields) for p in self.recommended[:limit]]}
            handler.send(200, json.dumps(data).encode(), "application/json")
        else:
            super().answer(handler, method, ids, body)

    def _batch(self, handler: _Handler, ids: list[str], fields: list[str]) -> None:
        top = [f for f in fields if "." not in f and f not in ("references", "citations")]
        kinds = [k for k in ("references", "citations") if any(f.startswith(k + ".") for f in fields)]
        sub = {k: [f.split(".", 1)[1] for f in fields if f.startswith(k + ".")] for k in kinds}
        used = dict.fromkeys(kinds, 0)
        answer: list[dict[str, Any] | None] = []
        for ident in ids:
            paper = self.lookup(ident)
            if paper is None:
                answer.append(None)
                continue
            item = self._project(paper, top)
            pid = paper["paperId"]
            item["referenceCount"] = len(self._nested("references", pid))
            item["citationCount"] = len(self._nested("citations", pid))
            for kind in kinds:
                nested = self._nested(kind, pid)[: self.per_paper]
                room = self.per_batch.get(kind, 10**9) - used[kind]
                nested = nested[: max(room, 0)]
                used[kind] += len(nested)
                item[kind] = [self._project(p, sub[kind]) if p["paperId"] else p for p in nested]
            answer.append(item)
        if not any(answer):
            handler.send(400, b'{"error":"No valid paper ids given"}', "application/json")
        else:
            handler.send(200, json.dumps(answer).encode(), "application/json")

    def _page(self, handler: _Handler, ident: str, kind: str, query: dict[str, list[str]], fields: list[str]) -> None:
        offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["100"])[0])
        if limit > 1000 or offset + limit >= 10_000:
            handler.send(400, b'{"error":"offset + limit must be < 10000 and limit <= 1000"}', "application/json")
            return
        paper = self.lookup(ident)
        if paper is None:
            handler.send(404, b'{"error":"Paper not found"}', "application/json")
            return
        nested = self._nested(kind, paper["paperId"])
        key = "citedPaper" if kind == "references" else "citingPaper"
        data: dict[str, Any] = {"offset": offset}
        if offset + limit < len(nested):
            data["next"] = offset + limit
        data["data"] = [{key: self._project(p, fields) if p["paperId"] else p} for p in nested[offset : offset + limit]]
        handler.send(200, json.dumps(data).encode(), "application/json")
