"""From paper records to BibTeX: venue normalisation, merging of sources, writing refs.bib."""
