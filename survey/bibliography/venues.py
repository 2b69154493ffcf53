"""Normalised venue names: one short name per venue, whatever spelling a source uses."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Venue:
    short: str
    entry_type: str  # "inproceedings" or "article"
    full: str  # the booktitle / journal written to refs.bib
    aliases: tuple[str, ...] = ()  # lower-case spellings used by S2, DBLP keys, authors
    dblp: tuple[str, ...] = ()  # DBLP key prefixes ("conf/cvpr")


def _conf(short: str, full: str, *aliases: str, dblp: tuple[str, ...] = ()) -> Venue:
    return Venue(short, "inproceedings", f"{full} ({short})", aliases, dblp)


def _journal(short: str, full: str, *aliases: str, dblp: tuple[str, ...] = ()) -> Venue:
    return Venue(short, "article", full, aliases, dblp)


VENUES: tuple[Venue, ...] = (
    _conf(
        "NeurIPS",
        "Advances in Neural Information Processing Systems",
        "nips",
        "neural information processing systems",
        "neurips",
        "advances in neural information processing systems",
        dblp=("conf/nips",),
    ),
    _conf(
        "ICML",
        "International Conference on Machine Learning",
        "international conference on machine learning",
        dblp=("conf/icml",),
    ),
    _conf(
        "ICLR",
        "International Conference on Learning Representations",
        "international conference on learning representations",
        dblp=("conf/iclr",),
    ),
    _conf(
        "CVPR",
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        "computer vision and pattern recognition",
        "ieee/cvf conference on computer vision and pattern recognition",
        "ieee conference on computer vision and pattern recognition",
        dblp=("conf/cvpr",),
    ),
    _conf(
        "ICCV",
        "IEEE/CVF International Conference on Computer Vision",
        "international conference on computer vision",
        "ieee international conference on computer vision",
        "ieee/cvf international conference on computer vision",
        dblp=("conf/iccv",),
    ),
    _conf(
        "ECCV", "European Conference on Computer Vision", "european conference on computer vision", dblp=("conf/eccv",)
    ),
    _conf(
        "AAAI",
        "AAAI Conference on Artificial Intelligence",
        "aaai conference on artificial intelligence",
        dblp=("conf/aaai",),
    ),
    _conf(
        "IJCAI",
        "International Joint Conference on Artificial Intelligence",
        "international joint conference on artificial intelligence",
        dblp=("conf/ijcai",),
    ),
    _conf(
        "ACL",
        "Annual Meeting of the Association for Computational Linguistics",
        "annual meeting of the association for computational linguistics",
        dblp=("conf/acl",),
    ),
    _conf(
        "NAACL",
        "Conference of the North American Chapter of the Association for Computational Linguistics",
        "north american chapter of the association for computational linguistics",
        dblp=("conf/naacl",),
    ),
    _conf(
        "EMNLP",
        "Conference on Empirical Methods in Natural Language Processing",
        "conference on empirical methods in natural language processing",
        dblp=("conf/emnlp",),
    ),
    _conf("BMVC", "British Machine Vision Conference", "british machine vision conference", dblp=("conf/bmvc",)),
    _conf(
        "WACV",
        "IEEE/CVF Winter Conference on Applications of Computer Vision",
        "ieee workshop/winter conference on applications of computer vision",
        "ieee/cvf winter conference on applications of computer vision",
        dblp=("conf/wacv",),
    ),
    _conf(
        "ACM MM",
        "ACM International Conference on Multimedia",
        "acm multimedia",
        "acm international conference on multimedia",
        dblp=("conf/mm",),
    ),
    _conf(
        "ICDAR",
        "International Conference on Document Analysis and Recognition",
        "international conference on document analysis and recognition",
        "ieee international conference on document analysis and recognition",
        dblp=("conf/icdar",),
    ),
    _conf(
        "ICASSP",
        "IEEE International Conference on Acoustics, Speech and Signal Processing",
        "ieee international conference on acoustics, speech, and signal processing",
        dblp=("conf/icassp",),
    ),
    _conf(
        "AISTATS",
        "International Conference on Artificial Intelligence and Statistics",
        "international conference on artificial intelligence and statistics",
        dblp=("conf/aistats",),
    ),
    _conf(
        "Interspeech",
        "Annual Conference of the International Speech Communication Association",
        "interspeech",
        dblp=("conf/interspeech",),
    ),
    _conf("CoLM", "Conference on Language Modeling", "conference on language modeling", "colm"),
    _conf("ACCV", "Asian Conference on Computer Vision", "asian conference on computer vision", dblp=("conf/accv",)),
    _journal(
        "TACL",
        "Transactions of the Association for Computational Linguistics",
        "transactions of the association for computational linguistics",
        dblp=("journals/tacl",),
    ),
    _journal(
        "TPAMI",
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        "ieee transactions on pattern analysis and machine intelligence",
        "pami",
        dblp=("journals/pami",),
    ),
    _journal(
        "IJCV",
        "International Journal of Computer Vision",
        "international journal of computer vision",
        dblp=("journals/ijcv",),
    ),
    _journal(
        "TIP", "IEEE Transactions on Image Processing", "ieee transactions on image processing", dblp=("journals/tip",)
    ),
    _journal("TMM", "IEEE Transactions on Multimedia", "ieee transactions on multimedia", dblp=("journals/tmm",)),
    _journal("JMLR", "Journal of Machine Learning Research", "journal of machine learning research"),
    _journal(
        "TMLR",
        "Transactions on Machine Learning Research",
        "transactions on machine learning research",
        "trans. mach. learn. res.",
        dblp=("journals/tmlr",),
    ),
    _journal("Neural Computation", "Neural Computation", "neural computation", dblp=("journals/neco",)),
    _journal(
        "TOMS",
        "ACM Transactions on Mathematical Software",
        "acm transactions on mathematical software",
        dblp=("journals/toms",),
    ),
)

_BY_NAME: dict[str, Venue] = {}
for _venue in VENUES:
    for _name in (_venue.short.lower(), _venue.full.lower(), *_venue.aliases):
        _BY_NAME[_name] = _venue

#: Venue names that mean "no published version".
PREPRINT_NAMES = frozenset({"arxiv", "arxiv.org", "corr", "arxiv preprint", "biorxiv", "ssrn"})


def lookup(name: str | None) -> Venue | None:
    """The venue a name denotes, ignoring case, years and a trailing "(ABBR)"; None if unknown."""
    if not name:
        return None
    key = re.sub(r"\s+", " ", name.strip().lower())
    if key in _BY_NAME:
        return _BY_NAME[key]
    key = re.sub(r"^(proceedings of (the )?)?((\d{4}|\d+(st|nd|rd|th)) )*", "", key)
    key = re.sub(r"\s*\((\w[\w /-]*)\)$", "", key).strip()
    key = re.sub(r"\s*\d+$", "", key).strip()  # a year or a volume number
    return _BY_NAME.get(key)


def from_dblp_key(key: str | None) -> Venue | None:
    """The venue of a DBLP record key such as ``conf/cvpr/HeCXLDG22``; None for CoRR or unknown."""
    if not key:
        return None
    prefix = "/".join(key.split("/")[:2])
    for venue in VENUES:
        if prefix in venue.dblp:
            return venue
    return None


def is_preprint(name: str | None) -> bool:
    return bool(name) and name.strip().lower() in PREPRINT_NAMES  # type: ignore[union-attr]
