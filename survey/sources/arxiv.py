"""arXiv API: parse Atom feeds (pure) and fetch id lists in paced batches (thin client).

arXiv sometimes answers under load with an empty or partial feed, or with the text
``Rate exceeded.``; the client compares the ids it asked for with the ids returned and
asks again for the missing ones, so a missing paper is an error, never a silent gap.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from survey.bibliography import latex
from survey.identifiers import ArxivId
from survey.sources.http import PacedClient, Policy, RetryableResponse, SourceError, check_status

DEFAULT_URL = "https://export.arxiv.org/api/query"
MAX_IDS_PER_REQUEST = 2000  # arXiv's documented ceiling for one id_list call
GET_URL_LIMIT = 1800  # longer id lists go in a POST body
_NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_ABS_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")


@dataclass(frozen=True)
class ArxivEntry:
    """One paper as the arXiv API describes it: text whitespace-normalised, its TeX markup
    (``Schr\\"odinger``, ``--``) decoded to Unicode, ``$…$`` math kept."""

    id: str
    version: int
    title: str
    authors: tuple[str, ...]
    published_year: int
    published: str  # date of v1, YYYY-MM-DD
    primary_class: str | None
    doi: str | None
    journal_ref: str | None


@dataclass(frozen=True)
class Feed:
    entries: tuple[ArxivEntry, ...]
    errors: tuple[str, ...]  # arXiv "Error" entries, e.g. "incorrect id format for abc"


class MalformedFeed(RetryableResponse):
    """Not an Atom feed: truncated, garbled, or arXiv's plain-text ``Rate exceeded.``"""


def _text(element: Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def parse(body: bytes) -> Feed:
    """Parse an arXiv Atom response; refuses DTDs, entity expansion and external entities."""
    if body.lstrip().startswith(b"Rate exceeded"):
        raise MalformedFeed("arXiv answered 'Rate exceeded.'")
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SourceError(f"arXiv feed refused: {type(exc).__name__} (unsafe XML)") from None
    except ElementTree.ParseError as exc:
        raise MalformedFeed(f"arXiv feed is not well-formed XML ({exc})") from None
    if root.tag != "{http://www.w3.org/2005/Atom}feed":
        raise MalformedFeed(f"arXiv response is not an Atom feed (root element {root.tag!r})")
    entries, errors = [], []
    for node in root.findall("a:entry", _NS):
        raw_id = _text(node.find("a:id", _NS))
        if "/api/errors" in raw_id:
            errors.append(_text(node.find("a:summary", _NS)) or raw_id)
            continue
        match = _ABS_ID.search(raw_id)
        if not match:
            raise MalformedFeed(f"arXiv entry with unexpected id {raw_id!r}")
        primary = node.find("arxiv:primary_category", _NS)
        entries.append(
            ArxivEntry(
                id=match["id"],
                version=int(match["version"] or 1),
                title=latex.decode(_text(node.find("a:title", _NS))),
                authors=tuple(latex.decode(_text(a.find("a:name", _NS))) for a in node.findall("a:author", _NS)),
                published_year=int(_text(node.find("a:published", _NS))[:4]),
                published=_text(node.find("a:published", _NS))[:10],
                primary_class=primary.get("term") if primary is not None else None,
                doi=_text(node.find("arxiv:doi", _NS)) or None,
                journal_ref=_text(node.find("arxiv:journal_ref", _NS)) or None,
            )
        )
    return Feed(tuple(entries), tuple(errors))


def base_url() -> str:
    return os.environ.get("SURVEY_ARXIV_URL", DEFAULT_URL)


def new_client() -> PacedClient:
    """arXiv asks API users for at most one request every three seconds, on one connection; the
    extra 0.2 s keeps the gap above 3 s as the server sees it when a request leaves late."""
    return PacedClient(Policy.from_env("ARXIV", min_interval=3.2))


def _handle(response: httpx.Response) -> Feed:
    if response.content.lstrip().startswith(b"Rate exceeded"):
        raise MalformedFeed("arXiv answered 'Rate exceeded.'")
    if response.status_code == 400:  # arXiv explains a bad id in an Atom error feed
        feed = parse(response.content)
        if feed.errors:
            return feed
    check_status(response, "arXiv")
    return parse(response.content)


def _request(client: PacedClient, ids: list[str]) -> Feed:
    params = {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}
    if len(params["id_list"]) > GET_URL_LIMIT:
        return client.request("POST", base_url(), _handle, data=params)
    return client.request("GET", base_url(), _handle, params=params)


def fetch(
    client: PacedClient, ids: Iterable[ArxivId], rounds: int = 3, on_progress: Callable[[int], None] | None = None
) -> tuple[dict[ArxivId, ArxivEntry], dict[ArxivId, str]]:
    """Look up ids in batches; returns (found, failed-with-reason). Ids a feed leaves out are
    asked for again, up to ``rounds`` times, before they count as failed."""
    wanted = list(dict.fromkeys(ids))
    found: dict[ArxivId, ArxivEntry] = {}
    failed: dict[ArxivId, str] = {}
    pending = wanted
    for _ in range(rounds):
        if not pending:
            break
        missing: list[ArxivId] = []
        for start in range(0, len(pending), MAX_IDS_PER_REQUEST):
            batch = pending[start : start + MAX_IDS_PER_REQUEST]
            try:
                feed = _request(client, [str(i) for i in batch])
            except SourceError as exc:
                failed.update((i, str(exc)) for i in batch)
                continue
            got = _match(batch, feed)
            found.update(got)
            for error in feed.errors:
                for i in batch:
                    if str(i) in error or i.id in error:
                        failed[i] = f"arXiv: {error}"
            missing += [i for i in batch if i not in got and i not in failed]
            if on_progress:
                on_progress(len(got))
        pending = missing
    for i in pending:
        failed[i] = f"arXiv did not return this id in {rounds} attempts (unknown id, or arXiv under load)"
    return found, failed


def _match(batch: list[ArxivId], feed: Feed) -> dict[ArxivId, ArxivEntry]:
    by_id = {e.id: e for e in feed.entries}
    result = {}
    for wanted in batch:
        entry = by_id.get(wanted.id)
        if entry and (wanted.version is None or wanted.version == entry.version):
            result[wanted] = entry
    return result
