"""Ingest: from a feed URL to recorded entries. A poll tick picks the due feeds
(`schedule`), fetches them (`fetch`, `outcome`), parses the bytes (`feedparse`), drops
what was seen (`identity`), and hands the rest to matching and the store (`poller`).

Offers `Poller` (one poll tick, straight down), `Fetcher` and `FetchLimits`, `parse_feed`,
`entry_keys`, `due_feeds`, and the offline paths: `probe_all` (`check --fetch`) and
`replay` (saved files).
"""
