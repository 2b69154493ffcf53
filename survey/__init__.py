"""survey: a living, cross-referenced literature survey.

The package turns a human-edited paper list (``papers.toml``) into a complete,
deterministic ``refs.bib`` (``survey fetch-refs``) and provides the Sphinx
extension that cross-references the survey site (``survey.sphinx``).
"""

__version__ = "0.2.0"
