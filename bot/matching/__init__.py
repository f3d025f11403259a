"""Matching: what an entry is about. Text normalisation (`textnorm`), the query language and
its term sets (`query`, `termsets`), the anchor-indexed matcher (`matcher`), topics as rules
(`topics`), and the signing status an entry reports (`status`, cue tables `status_cues*`).

Offers `Matcher`, `build_matcher`, `config_termsets`, `topic_problems` (a config load
check), `parse_query`, `QueryError`, `compile_termsets`, `detect_status`, and
`evaluate_file` for labelled data. Pure: no I/O but reading an evaluation file.
"""
