"""refs.bib for LaTeX authors: TeX in source metadata decoded, pdfLaTeX-safe ASCII written,
suffixes and corporate names, the UTF-8 setting, and `survey add "title"` storing an identifier."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loopback import ArxivPaper, FakeArxiv, FakeS2, atom_feed, s2_record
from pybtex.database import parse_string
from rich.console import Console

from survey import cli, paperlist
from survey.bibliography import bibtex, latex
from survey.commands import add, fetch
from survey.record import Paper
from survey.sources import arxiv, semantic_scholar

TEX_TITLES = {
    r"Schr\"odinger Bridges for Generative Modeling": "Schrödinger Bridges for Generative Modeling",
    r"Poincar\'e Embeddings for Learning Hierarchical Representations": (
        "Poincaré Embeddings for Learning Hierarchical Representations"
    ),
    r"Erd\H{o}s--R\'enyi Graphs and 50% of {BERT}": "Erdős–Rényi Graphs and 50% of BERT",
    r"$\alpha$-Divergence on $\mathbb{R}^n$ with \emph{Nets}": r"$\alpha$-Divergence on $\mathbb{R}^n$ with Nets",
    "Plain Title: No Markup": "Plain Title: No Markup",
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _bib(*papers: Paper, ascii: bool = True) -> str:
    return bibtex.write([bibtex.BibItem(f"k{i}", p) for i, p in enumerate(papers)], ascii=ascii)


def test_arxiv_tex_titles_and_names_are_decoded() -> None:
    entries = [
        ArxivPaper(f"2101.0000{i}", tex, [r"Paul Erd\H{o}s", r"Henri Poincar\'e"]) for i, tex in enumerate(TEX_TITLES)
    ]
    feed = arxiv.parse(atom_feed([_entry(e) for e in entries]))
    assert [e.title for e in feed.entries] == list(TEX_TITLES.values())
    assert feed.entries[0].authors == ("Paul Erdős", "Henri Poincaré")
    assert feed.entries[0].published == "2021-11-11"


def _entry(paper: ArxivPaper) -> str:
    from loopback import _atom_entry

    return _atom_entry(paper, 1)


def test_s2_tex_titles_names_and_venues_are_decoded() -> None:
    record = s2_record(r"Schr\"odinger Bridges", [r"J\"urgen Schmidhuber"], 2021, venue=r"Journ\'ees")
    record["publicationDate"] = "2021-06-01"
    (paper,) = semantic_scholar.parse_batch(json.dumps([record]).encode())
    assert paper is not None
    assert (paper.title, paper.authors, paper.venues[0], paper.date) == (
        "Schrödinger Bridges",
        ("Jürgen Schmidhuber",),
        "Journées",
        "2021-06-01",
    )


def test_ascii_refs_bib_for_pdflatex() -> None:
    paper = Paper(
        "Ω-Nets: Schrödinger–Poincaré at $O(n^2)$ for Nguyễn's data",
        ("Nguyễn Văn Đặng", "Łukasz Kaiser", "Aäron van den Oord"),
        2021,
        "hand",
        venue="Journées Françaises",
        entry_type="inproceedings",
    )
    text = _bib(paper)
    assert text.isascii()
    assert r"{{$\Omega$}-Nets:}" in text and r"Schr{\"o}dinger--Poincar{\'e}" in text
    assert r"{$O(n^2)$}" in text  # math is kept as written
    assert r"Nguy{\~{\^{e}}}n" in text and r"{\DJ}{\u{\d{a}}}ng" in text
    assert r"{\L}ukasz" in text
    parsed = parse_string(text, "bibtex").entries["k0"]
    assert latex.to_text(parsed.fields["title"]) == paper.title.replace("Ω", "Ω")
    names = [
        latex.to_text(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
        for p in parsed.persons["author"]
    ]
    assert names == list(paper.authors)


def test_utf8_refs_bib_keeps_characters() -> None:
    paper = Paper("Ω-Nets for Nguyễn", ("Nguyễn Văn Đặng",), 2021, "hand")
    text = _bib(paper, ascii=False)
    assert "Ω-Nets" in text and "Nguyễn" in text


def test_characters_t1_cannot_set_are_kept_and_reported() -> None:
    paper = Paper("A Title", ("Trương Ư", "Lǐ Huá"), 2021, "hand")
    assert latex.unencodable("Trương") == ["ư", "ơ"]
    assert bibtex.unencodable([bibtex.BibItem("k", paper)]) == {"k": ["ư", "ơ", "Ư"]}
    assert "Trương" in _bib(paper)
    assert r"Hu{\'a}, L{\v{i}}" in _bib(paper)  # no precomposed macro: spelled from the decomposition


def test_lookalikes_are_never_written() -> None:
    # pylatexenc's table writes Ħ as \=H, which prints H̄: we keep Ħ and report it instead.
    assert latex.unencodable("Ħ") == ["Ħ"]
    assert "Ħ" in latex.escape("Ħ")


@pytest.mark.parametrize(
    ("name", "written", "last", "lineage"),
    [
        ("Martin King Jr.", "King, Jr., Martin", ["King"], ["Jr."]),
        ("Ross D'Amour III", "D'Amour, III, Ross", ["D'Amour"], ["III"]),
        ("Wei von Luxburg Jr.", "von Luxburg, Jr., Wei", ["Luxburg"], ["Jr."]),
        ("Martin King, Jr.", "King, Jr., Martin", ["King"], ["Jr."]),
        ("CMS Collaboration", "{CMS Collaboration}", ["{CMS Collaboration}"], []),
        ("The ATLAS Collaboration", "{The ATLAS Collaboration}", ["{The ATLAS Collaboration}"], []),
        ("Gemini Team", "{Gemini Team}", ["{Gemini Team}"], []),
        ("Ulrike von Luxburg", "von Luxburg, Ulrike", ["Luxburg"], []),
    ],
)
def test_suffixes_and_corporate_names(name: str, written: str, last: list[str], lineage: list[str]) -> None:
    text = _bib(Paper("T", (name, "Ann Other"), 2021, "hand"))
    assert f'author = "{written} and Other, Ann"' in text
    (person, _) = parse_string(text, "bibtex").entries["k0"].persons["author"]
    assert person.last_names == last and person.lineage_names == lineage


particle = st.sampled_from(["", "van", "von", "de", "della", "van den", "de la"])
suffix = st.sampled_from(["", "Jr.", "Sr.", "II", "III", "IV"])
# Letters of Latin-script names: ASCII, Latin-1, Latin Extended-A/B and Vietnamese.
letter = st.one_of(
    st.characters(whitelist_categories=("Lu", "Ll"), min_codepoint=0x41, max_codepoint=0x24F),
    st.characters(whitelist_categories=("Lu", "Ll"), min_codepoint=0x1E00, max_codepoint=0x1EFF),
)
word = st.text(letter, min_size=1, max_size=8).map(lambda w: w[0].upper() + w[1:]).filter(lambda w: w[0].isupper())


@settings(max_examples=200, deadline=None)
@given(word, word, particle, suffix)
def test_names_with_particles_and_suffixes_round_trip(first: str, last: str, von: str, jr: str) -> None:
    if {first.lower(), last.lower()} & {"and", "others", "jr", "sr", "ii", "iii", "iv"}:
        return
    name = " ".join(part for part in (first, von, last, jr) if part)
    (person,) = parse_string(_bib(Paper("T", (name,), 2021, "hand")), "bibtex").entries["k0"].persons["author"]
    nfc = unicodedata.normalize("NFC", first), unicodedata.normalize("NFC", last)
    assert latex.to_text(" ".join(person.first_names)) == nfc[0]
    assert " ".join(person.prelast_names) == von
    assert latex.to_text(" ".join(person.last_names)) == nfc[1]
    assert " ".join(person.lineage_names) == jr


# Titles as the parsers hand them over: decoded Unicode, with $…$ math segments.
# (One-symbol math such as $\alpha$ is how refs.bib writes α: the site shows it as α.)
math = st.sampled_from([r"$\alpha_t$", r"$O(n \log n)$", r"$\mathbb{R}^n$", r"$x_{ij}$", r"$k$"])
text_run = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs"), blacklist_characters="$\\`'-"), min_size=1, max_size=20
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(text_run, math), min_size=1, max_size=6))
def test_titles_with_math_round_trip_in_both_encodings(parts: list[str]) -> None:
    title = " ".join(parts)
    for ascii in (True, False):
        parsed = parse_string(_bib(Paper(title, ("Ann Author",), 2021, "hand"), ascii=ascii), "bibtex")
        assert _nfc(latex.to_text(parsed.entries["k0"].fields["title"])) == _nfc(title)


def test_decoding_is_idempotent_on_decoded_text() -> None:
    for decoded in TEX_TITLES.values():
        assert latex.decode(decoded) == decoded


# --- the papers.toml setting and the command line ------------------------------------------------


def test_bib_encoding_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    papers, bib = tmp_path / "papers.toml", tmp_path / "refs.bib"
    entry = '[k]\ndoi = "10.1000/xyz"\n[k.hand]\ntitle = "Ω-Nets"\nauthors = ["Trương Ư"]\nyear = 2021\n'
    papers.write_text(entry)
    assert cli.main(["fetch-refs", "--papers", str(papers), "--bib", str(bib), "--offline"]) == 0
    err = capsys.readouterr().err
    assert "k: warning: pdfLaTeX cannot set ư ơ Ư; written as UTF-8" in err
    assert r"{$\Omega$}-Nets" in bib.read_text()
    papers.write_text('[survey]\nbib_encoding = "utf-8"\n\n' + entry)
    assert cli.main(["fetch-refs", "--papers", str(papers), "--bib", str(bib), "--offline", "-q"]) == 0
    assert "Ω-Nets" in bib.read_text() and "warning" not in capsys.readouterr().err
    assert cli.main(["check", "--papers", str(papers), "--bib", str(bib), "--docs", str(tmp_path)]) == 1
    assert "[k] is never cited" in capsys.readouterr().out  # but refs.bib is in sync: no stale finding
    before = bib.read_bytes()
    papers.write_text('[survey]\nbib_encoding = "latin-1"\n\n' + entry)
    assert cli.main(["fetch-refs", "--papers", str(papers), "--bib", str(bib), "--offline"]) == 2
    assert f"{papers}:1: [survey]: bib_encoding must be one of ascii, utf-8" in capsys.readouterr().err
    assert bib.read_bytes() == before
    assert paperlist.load(papers)[0].key == "k"  # the settings table is not a citekey


def test_add_by_title_stores_the_identifier_with_the_title_as_comment(
    services: tuple[FakeArxiv, FakeS2], project: Path
) -> None:
    arxiv_server, s2_server = services
    title = "Masked Autoencoders Are Scalable Vision Learners"
    s2_server.titles[title.lower()] = s2_server.records["ARXIV:2111.06377"]
    papers = project / "papers.toml"
    papers.write_text(
        papers.read_text().replace('[he2022masked]\narxiv = "2111.06377"\ntopics = ["self-supervised"]\n', "")
    )
    out = Console(file=open("/dev/null", "w"))  # noqa: SIM115
    assert add.main(title, papers, project / "refs.bib", key=None, topics=[], out=out) == 0
    assert papers.read_text().endswith(f'\n[he2022masked]\narxiv = "2111.06377" # {title}\n')
    spec = next(s for s in paperlist.load(papers) if s.key == "he2022masked")
    assert spec.query == "arxiv:2111.06377"
    assert "he2022masked" in fetch.run(papers, project / "refs.bib").cached  # stored under its identifier
