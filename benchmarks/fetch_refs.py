"""Benchmark `survey fetch-refs` against loopback arXiv / Semantic Scholar servers that add
300 ms of latency per request and throttle clients that go faster than the real services allow
(arXiv: one request per 3 s, answered with "Rate exceeded."; S2: 1 request/s, answered 429).

For N new arXiv ids it prints HTTP requests, throttled requests and wall time, next to the
floor: ceil(N/2000) arXiv requests 3 s apart and ceil(N/500) S2 requests 1 s apart (the
two services are asked concurrently, so the floor is the slower of the two); then a warm
re-run; then the same ids fetched with the `arxiv` PyPI client pointed at the same server.

    python benchmarks/fetch_refs.py [N ...]        (default: 200 1000 5000)
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from loopback import ArxivPaper, FakeArxiv, FakeS2, s2_record  # noqa: E402

from survey.commands import fetch  # noqa: E402

LATENCY = 0.3


def corpus(n: int) -> tuple[list[ArxivPaper], dict[str, dict[str, object]]]:
    papers, records = [], {}
    for i in range(n):
        arxiv_id = f"{2001 + i // 90000:04d}.{i % 90000:05d}"
        paper = ArxivPaper(arxiv_id, f"Synthetic paper {i} on ViT & COCO", [f"Author{i} Ñúñez", "Second Author"])
        papers.append(paper)
        venue = "Computer Vision and Pattern Recognition" if i % 3 == 0 else "arXiv.org"
        records[f"ARXIV:{arxiv_id}"] = s2_record(paper.title, paper.authors, 2021, venue=venue, arxiv=arxiv_id)
    return papers, records


def floor(n: int) -> tuple[int, int, float]:
    arxiv_requests, s2_requests = math.ceil(n / 2000), math.ceil(n / 500)
    arxiv_time = (arxiv_requests - 1) * 3.0 + LATENCY
    s2_time = (s2_requests - 1) * 1.0 + LATENCY
    return arxiv_requests, s2_requests, max(arxiv_time, s2_time)


def run_survey(n: int, papers: list[ArxivPaper], records: dict[str, dict[str, object]]) -> None:
    with FakeArxiv(papers) as arxiv_server, FakeS2(records) as s2_server, tempfile.TemporaryDirectory() as tmp:
        for server, interval in ((arxiv_server, 3.0), (s2_server, 1.0)):
            server.state.latency, server.state.min_interval = LATENCY, interval
        os.environ.update(SURVEY_ARXIV_URL=arxiv_server.url, SURVEY_S2_URL=s2_server.url)
        root = Path(tmp)
        (root / "papers.toml").write_text("".join(f'[p{i}]\narxiv = "{p.id}"\n\n' for i, p in enumerate(papers)))
        start = time.perf_counter()
        outcome = fetch.run(root / "papers.toml", root / "refs.bib")
        wall = time.perf_counter() - start
        assert not outcome.failed, list(outcome.failed.items())[:3]
        requests = len(arxiv_server.log) + len(s2_server.log)
        throttled = arxiv_server.state.throttled + s2_server.state.throttled
        arxiv_floor, s2_floor, floor_time = floor(n)
        print(
            f"survey  N={n:>5}: {requests:>3} requests (arXiv {len(arxiv_server.log)}, S2 {len(s2_server.log)}; "
            f"floor {arxiv_floor + s2_floor} = {arxiv_floor} + {s2_floor}), {throttled} throttled, "
            f"wall {wall:6.2f} s (floor {floor_time:5.2f} s; waiting on the network {outcome.network_seconds:5.2f} s, "
            f"local work {wall - outcome.network_seconds:4.2f} s; "
            f"network/floor {outcome.network_seconds / floor_time:4.2f})"
        )
        start = time.perf_counter()
        again = fetch.run(root / "papers.toml", root / "refs.bib")
        warm = time.perf_counter() - start
        print(
            f"survey  N={n:>5}: warm re-run {again.requests} requests, {warm:5.2f} s; "
            f"refs.bib {(root / 'refs.bib').stat().st_size / 1024:.0f} KiB"
        )


def run_arxiv_py(n: int, papers: list[ArxivPaper]) -> None:
    import arxiv as arxiv_py

    with FakeArxiv(papers) as server:
        server.state.latency, server.state.min_interval = LATENCY, 3.0
        client = arxiv_py.Client()  # its defaults: 100 results per page, 3 s between pages
        client.query_url_format = server.url + "?{}"
        start = time.perf_counter()
        try:
            results = list(client.results(arxiv_py.Search(id_list=[p.id for p in papers], max_results=n)))
            outcome = f"{len(results)} papers"
        except Exception as exc:  # noqa: BLE001 - report whatever the client raises
            outcome = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
        wall = time.perf_counter() - start
        sent = sum(len(entry.ids) for entry in server.log)
        print(
            f"arxiv.py N={n:>5}: {len(server.log):>3} requests, {server.state.throttled} throttled, "
            f"wall {wall:6.2f} s, ids sent {sent} ({outcome}; arXiv only, no venue data)"
        )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [200, 1000, 5000]
    for n in sizes:
        papers, records = corpus(n)
        run_survey(n, papers, records)
        run_arxiv_py(n, papers)


if __name__ == "__main__":
    main()
