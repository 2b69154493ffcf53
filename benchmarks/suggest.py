"""Benchmark `survey suggest` against a loopback Semantic Scholar that adds 300 ms of latency per
request and answers 429 to clients faster than 1 request/s, with the real API's caps (1,000
nested items a paper, 9,999 nested citations a batch answer, 1,000 a page, offset + limit under
10,000).

For N listed papers (a synthetic graph: ~40 references each, a few survey-like papers with
1,200; citations mostly 20-900, a few with 1,500-12,000) it prints, for --missing and then
--new: HTTP requests next to the floor (ceil(N/500) batches, or the batches the 9,999 cap
forces, plus the pages the per-paper cap forces), throttled requests, wall time next to the
floor's, and a warm re-run's requests and time.

    python benchmarks/suggest.py [N ...]        (default: 200 1000)
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from loopback import FakeS2Graph, graph_paper  # noqa: E402

from survey.commands import suggest  # noqa: E402

LATENCY = 0.3
INTERVAL = 1.0
TODAY = dt.date(2026, 11, 29)


def pid(name: str) -> str:
    return (name.encode().hex() + "0" * 40)[:40]


def corpus(n: int) -> tuple[FakeS2Graph, dict[str, int], dict[str, int]]:
    """The graph, and each listed paper's reference and citation counts."""
    rng = random.Random(n)
    papers: list[dict[str, Any]] = []
    references: dict[str, list[str]] = {}
    anchors = [pid(f"A{i}") for i in range(n // 2)]
    papers += [graph_paper(a, f"Anchor paper {i}", 2000 + i % 20, arxiv=None) for i, a in enumerate(anchors)]
    weights = [1 / (i + 1) for i in range(len(anchors))]  # a few anchors are cited by many
    listed = [pid(f"L{i}") for i in range(n)]
    ref_counts, cite_counts = {}, {}
    for i, me in enumerate(listed):
        papers.append(graph_paper(me, f"Listed paper {i}", 2020, arxiv=f"2001.{i:05d}", date="2020-01-15"))
        size = 1200 if i % 100 == 7 else 40
        chosen = set(rng.choices(anchors, weights, k=20)) | set(rng.sample(listed, 5))
        own = [pid(f"R{i}-{j}") for j in range(size - len(chosen))]
        papers += [graph_paper(r, f"Reference {i}-{j}", 2015) for j, r in enumerate(own)]
        references[me] = sorted(chosen - {me}) + own
        ref_counts[me] = len(references[me])
    pool = [pid(f"C{j}") for j in range(max(20 * n, 15_000))]
    citing: dict[str, list[str]] = {}
    for i, me in enumerate(listed):
        count = rng.choice([1500, 3000, 12_000]) if i % 40 == 3 else rng.randint(20, 900)
        cite_counts[me] = count
        for citer in rng.sample(pool, count):
            citing.setdefault(citer, []).append(me)
    for j, citer in enumerate(pool):
        if citer in citing:
            month = 1 + j % 12
            papers.append(graph_paper(citer, f"Citing paper {j}", 2026, date=f"2026-{month:02d}-01"))
            references[citer] = citing[citer]
    return FakeS2Graph(papers, references), ref_counts, cite_counts


def floor(n: int, counts: dict[str, int], per_batch_cap: bool) -> int:
    """Batches: ceil(N/500), or what the 9,999 cap needs for the lists a batch can carry whole;
    plus the pages of every list over 1,000 (at most 9,999 of it is served)."""
    small = sum(c for c in counts.values() if c <= 1000)
    batches = max(math.ceil(n / 500), math.ceil(small / 9999) if per_batch_cap else 0)
    return batches + sum(math.ceil(min(c, 9999) / 1000) for c in counts.values() if c > 1000)


def timed(root: Path, **kwargs: Any) -> tuple[suggest.Result, float]:
    start = time.perf_counter()
    result = suggest.run(root / "papers.toml", today=TODAY, **kwargs)
    assert result.error is None, result.error
    return result, time.perf_counter() - start


def run(n: int) -> None:
    server, ref_counts, cite_counts = corpus(n)
    with server, tempfile.TemporaryDirectory() as tmp:
        server.state.latency, server.state.min_interval = LATENCY, INTERVAL
        os.environ.update(SURVEY_S2_URL=server.url)
        root = Path(tmp)
        (root / "papers.toml").write_text("".join(f'[p{i}]\narxiv = "2001.{i:05d}"\n\n' for i in range(n)))
        for mode, counts, capped in (("missing", ref_counts, False), ("new", cite_counts, True)):
            time.sleep(INTERVAL)  # a new run's client does not know when the last one asked
            logged = len(server.log)
            result, wall = timed(root, mode=mode, since="2026-06")
            requests = len(server.log) - logged
            least = floor(n, counts, capped)
            print(
                f"suggest --{mode:<7} N={n:>4}: {requests:>3} requests (floor {least}), "
                f"{server.state.throttled} throttled, wall {wall:6.1f} s "
                f"(floor {(least - 1) * INTERVAL + LATENCY:6.1f} s); "
                f"{result.candidates} candidates, top count {result.suggestions[0].count if result.suggestions else 0}"
            )
            again, warm = timed(root, mode=mode, since="2026-06")
            print(
                f"suggest --{mode:<7} N={n:>4}: warm re-run {again.requests} requests, {warm:5.2f} s; "
                f"cache {(root / 'papers.graph.json').stat().st_size / 2**20:.1f} MiB"
            )


def main() -> None:
    for n in [int(a) for a in sys.argv[1:]] or [200, 1000]:
        run(n)


if __name__ == "__main__":
    main()
