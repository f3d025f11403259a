"""Matching: what an entry is about. Text normalisation and stemming (`textnorm`), the
query language (`query`), the anchor-indexed matcher (`matcher`), configured topics as
rules (`topics`), and the signing status an entry reports (`status`, `status_cues`).

Offers `Matcher`, `build_matcher`, `topic_problems` (a config load check), `parse_query`,
`QueryError`, `detect_status`, and `evaluate_file` for labelled data. Pure: no I/O but
reading an evaluation file.
"""
