"""refs.bib writing: escaping, brace protection, names, determinism; round trips (hypothesis)."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from survey.bibliography import bibtex, latex, venues
from survey.record import Paper


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def entry(paper: Paper, key: str = "k") -> object:
    return parse_string(bibtex.write([bibtex.BibItem(key, paper)]), "bibtex").entries[key]


def test_specials_escaped_and_case_protected() -> None:
    title = "ViT & BERT on COCO: 50% of 3D #1_x {y} ~ ^ \\ at $O(n \\log n)$ cost"
    written = latex.title_to_latex(title)
    assert written == (
        r"{ViT} \& {BERT} on {COCO:} 50\% of {3D} {\#1\_x} \textbraceleft{}y\textbraceright{} "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{} at {$O(n \log n)$} cost"
    )
    assert latex.to_text(written) == title


def test_entry_layout_is_stable() -> None:
    paper = Paper(
        "Deep Residual Learning for Image Recognition",
        ("Kaiming He", "Xiangyu Zhang"),
        2016,
        "hand",
        "inproceedings",
        "CVPR",
        "1512.03385",
        "cs.CV",
        "10.1109/cvpr.2016.90",
        "https://arxiv.org/abs/1512.03385",
        pages="770-778",
    )
    assert bibtex.write([bibtex.BibItem("he2016deep", paper)]).splitlines()[2:] == [
        "@inproceedings{he2016deep,",
        '    author = "He, Kaiming and Zhang, Xiangyu",',
        '    title = "Deep Residual Learning for Image Recognition",',
        '    booktitle = "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",',
        '    year = "2016",',
        '    pages = "770--778",',
        '    doi = "10.1109/cvpr.2016.90",',
        '    eprint = "1512.03385",',
        '    archiveprefix = "arXiv",',
        '    primaryclass = "cs.CV",',
        '    url = "https://arxiv.org/abs/1512.03385",',
        '    x-source = "hand-entered"',
        "}",
    ]


def test_page_ranges_use_one_en_dash() -> None:
    for pages in ("770-778", "770--778", "770 – 778", "770—778"):
        text = bibtex.write([bibtex.BibItem("k", Paper("T", ("A B",), 2016, "hand", pages=pages))])
        assert 'pages = "770--778"' in text, pages
    text = bibtex.write([bibtex.BibItem("k", Paper("T", ("A B",), 2016, "hand", pages="e127063"))])
    assert 'pages = "e127063"' in text


def test_sorted_by_key_and_overrides_win() -> None:
    a = Paper("A title", ("Ann Author",), 2020, "arxiv", arxiv_id="2001.00001")
    text = bibtex.write(
        [
            bibtex.BibItem("zeta", a),
            bibtex.BibItem("alpha", a, {"note": "50% off", "entrytype": "article", "journal": "J"}),
        ]
    )
    assert text.index("@article{alpha,") < text.index("@misc{zeta,")
    assert r'note = "50\% off"' in text


def test_names_particles_single_names_and_others() -> None:
    paper = Paper("T", ("Aäron van den Oord", "OpenAI", "Jean-Baptiste Alayrac", "others"), 2018, "hand")
    persons = [str(p) for p in entry(paper).persons["author"]]  # type: ignore[attr-defined]
    assert persons == [r"van den Oord, A{\"a}ron", "{OpenAI}", "Alayrac, Jean-Baptiste", "others"]


def test_venue_aliases_normalise() -> None:
    for name in (
        "NIPS",
        "Neural Information Processing Systems",
        "Advances in Neural Information Processing Systems 33",
        "NeurIPS 2021",
    ):
        assert venues.lookup(name).short == "NeurIPS"  # type: ignore[union-attr]
    assert (
        venues.lookup("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)").short
        == "CVPR"
    )  # type: ignore[union-attr]
    assert venues.from_dblp_key("conf/iccv/LiuL00ZLG21").short == "ICCV"  # type: ignore[union-attr]
    assert venues.from_dblp_key("journals/corr/abs-2103-14030") is None
    assert venues.lookup("arXiv.org") is None and venues.is_preprint("arXiv.org")


# Titles as every source hands them over: whitespace collapsed to single spaces.
unicode_text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="$"), min_size=1, max_size=80)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
name_part = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Lo"), blacklist_characters="ǅǈǋǲ"), min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_any_unicode_title_round_trips_through_refs_bib_and_pybtex(title: str) -> None:
    paper = Paper(title, ("Ann Author",), 2021, "hand")
    parsed = entry(paper)
    # The same text up to canonical equivalence (NFC): accents written as commands come back
    # composed, and compatibility ideographs as their canonical form.
    assert _nfc(latex.to_text(parsed.fields["title"])) == _nfc(title)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(name_part, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=5))
def test_any_unicode_names_round_trip(names: list[str]) -> None:
    names = [n for n in names if n.lower() not in ("and", "others")] or ["Ann Author"]
    parsed = entry(Paper("T", tuple(names), 2021, "hand"))
    back = [
        latex.to_text(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names + p.lineage_names))
        for p in parsed.persons["author"]
    ]  # type: ignore[attr-defined]
    assert [_nfc(n) for n in back] == [_nfc(n) for n in names]


@given(st.text(string.ascii_letters + string.digits + " :-", min_size=1, max_size=40))
def test_writing_is_deterministic(title: str) -> None:
    items = [bibtex.BibItem(f"k{i}", Paper(title + str(i), ("A B",), 2000 + i, "arxiv")) for i in range(3)]
    assert bibtex.write(items) == bibtex.write(list(reversed(items)))
