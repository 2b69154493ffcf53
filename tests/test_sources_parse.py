"""The pure parsers against responses recorded from the live services (tests/samples)."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from survey.sources import arxiv, semantic_scholar
from survey.sources.http import SourceError

ARXIV = SAMPLES / "arxiv"
S2 = SAMPLES / "s2"


def test_single_entry_feed() -> None:
    feed = arxiv.parse((ARXIV / "arxivpy-id_1605.08386.xml").read_bytes())
    (entry,) = feed.entries
    assert (entry.id, entry.version, entry.published_year) == ("1605.08386", 1, 2016)
    assert entry.title == "Heat-bath random walks with Markov bases"
    assert entry.authors == ("Caprice Stanley", "Tobias Windisch")
    assert entry.primary_class == "math.CO" and feed.errors == ()


def test_versioned_and_old_style_ids() -> None:
    (versioned,) = arxiv.parse((ARXIV / "arxivpy-id_2104.12255v1_versioned.xml").read_bytes()).entries
    assert (versioned.id, versioned.version) == ("2104.12255", 1)
    (old,) = arxiv.parse((ARXIV / "arxivpy-id_astro-ph_0601001_oldstyle.xml").read_bytes()).entries
    assert old.id == "astro-ph/0601001" and old.journal_ref == "ActaAstron.56:1-50,2006"
    assert old.authors[2] == "B. Scott Gaudi"
    (pinned,) = arxiv.parse((ARXIV / "arxivpy-id_quant-ph_0201082v1_oldstyle_versioned.xml").read_bytes()).entries
    assert (pinned.id, pinned.version) == ("quant-ph/0201082", 1)


def test_unknown_ids_are_silently_omitted_by_arxiv() -> None:
    assert arxiv.parse((ARXIV / "arxivpy-id_unknown_empty.xml").read_bytes()).entries == ()
    assert arxiv.parse((ARXIV / "arxivpy-id_0000.0000_empty.xml").read_bytes()).entries == ()
    feed = arxiv.parse((ARXIV / "arxivpy-id_unknown_plus_known.xml").read_bytes())
    assert [e.id for e in feed.entries] == ["1707.08567"]


def test_error_feeds_current_and_legacy() -> None:
    assert arxiv.parse((ARXIV / "arxivpy-id_abc_error_http400.xml").read_bytes()).errors == (
        "incorrect id format for abc",
    )
    legacy = arxiv.parse((ARXIV / "manual-error_malformed_id_legacy.xml").read_bytes())
    assert legacy.errors == ("incorrect id format for 1234.12345",) and legacy.entries == ()


def test_legacy_format_with_wrapped_title() -> None:
    (entry,) = arxiv.parse((ARXIV / "manual-typical_response_legacy.xml").read_bytes()).entries
    assert "\n" not in entry.title and "  " not in entry.title


def test_search_feed_with_utf8_names_and_dois() -> None:
    feed = arxiv.parse((ARXIV / "arxivpy-search_testing_m100.xml").read_bytes())
    assert len(feed.entries) == 100
    names = {name for e in feed.entries for name in e.authors}
    assert "Oliver Weißl" in names
    assert any(e.doi for e in feed.entries)


@pytest.mark.parametrize("body", [b"Rate exceeded.", b"<feed><entry>", b"<html>busy</html>", b""])
def test_not_a_feed_is_retryable(body: bytes) -> None:
    with pytest.raises(arxiv.MalformedFeed):
        arxiv.parse(body)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2101.00001v1</id>
<title>&lol3;</title><published>2021-01-01T00:00:00Z</published></entry></feed>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2101.00001v1</id>
<title>&xxe;</title><published>2021-01-01T00:00:00Z</published></entry></feed>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_expansion_and_external_entities_are_refused(body: bytes) -> None:
    with pytest.raises(SourceError, match="unsafe XML"):
        arxiv.parse(body)


def test_s2_batch_with_null_for_unknown() -> None:
    papers = semantic_scholar.parse_batch((S2 / "batch_with_null_for_unknown.json").read_bytes())
    assert papers[0] is None and len(papers) == 4
    first = papers[1]
    assert first is not None
    assert first.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert first.doi == "10.2139/ssrn.288970" and first.year == 2001
    assert first.venues == ("Experimental & Empirical Studies eJournal",)


def test_s2_full_record_and_authors_only() -> None:
    (paper,) = semantic_scholar.parse_batch(b"[" + (S2 / "paper_full_fields_trimmed.json").read_bytes() + b"]")
    assert paper is not None
    assert (paper.dblp, paper.doi, paper.volume, paper.pages) == (
        "journals/x/Turing50",
        "10.1093/MIND/LIX.236.433",
        "LIX",
        "433-460",
    )
    assert paper.venues == ("The Philosophy of Artificial Intelligence", "Mind")
    authors = semantic_scholar.parse_batch((S2 / "batch_fields_authors.json").read_bytes())
    assert authors[0] is not None and authors[0].authors == ("Marianne Bertrand", "E. Duflo", "S. Mullainathan")


def test_s2_match() -> None:
    match = semantic_scholar.parse_match((S2 / "search_match_title.json").read_bytes())
    assert match is not None and match.title == "Mining association rules between sets of items in large databases"
    assert semantic_scholar.parse_match(b'{"data": []}') is None


def test_s2_truncated_json_is_retryable() -> None:
    body = (S2 / "batch_with_null_for_unknown.json").read_bytes()
    with pytest.raises(semantic_scholar.MalformedJSON):
        semantic_scholar.parse_batch(body[: len(body) // 2])
