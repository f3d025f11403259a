"""Benchmark: match 20,000 entries against the shipped topics plus 10,000 random watches.

Compares the anchor-indexed Matcher with a naive loop that evaluates every query on every
entry, in the same run. Prints entries/s for both and the ratio. Some watches use the
config's term sets (`@agreement minsk`), as subscribers do.

Entry words follow a Zipf distribution over a 20,000-word vocabulary, as words in news
text do. Watches are drawn from outside the 500 most frequent words: people watch names,
places and topics, not "the" or "said", so a typical watch matches a small share of entries.
Run: python bench/bench_match.py [--entries 20000] [--watches 10000] [--naive-sample 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bot.config import load_config
from bot.matching.doc import Doc
from bot.matching.evaluate import evaluate
from bot.matching.query import Query, TermSets, parse_query
from bot.matching.textnorm import plain
from bot.matching.topics import build_matcher, config_termsets, topic_rules

ROOT = Path(__file__).resolve().parent.parent
NEWS = ["Putin", "Lukashenko", "Minsk", "Moscow", "Belarus", "Russia", "treaty", "signed", "summit", "union", "state", "security", "guarantees", "concept", "council", "talks", "sanctions", "oil", "gas", "nuclear", "army", "drills", "border", "Poland", "Lithuania", "Ukraine", "Kyiv", "election", "parliament", "ratified", "agreement", "president", "minister", "Путин", "Лукашенко", "Минск", "Москва", "Беларусь", "Россия", "договор", "подписали", "саммит", "союзного", "государства", "безопасности", "гарантиях", "концепция", "совет", "переговоры", "санкции", "нефть", "газ", "армия", "учения", "граница", "Пуцін", "Лукашэнка", "Мінск", "дамова", "бяспекі", "саюзнай", "дзяржавы"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    latin, cyr = "abcdefghijklmnoprstuvwy", "абвгдежзиклмнопрстуфхцчшыэюя"
    words = {w.lower() for w in NEWS}
    while len(words) < size:
        alphabet = latin if rng.random() < 0.5 else cyr
        words.add("".join(rng.choice(alphabet) for _ in range(rng.randint(4, 10))))
    ranked = sorted(words)
    rng.shuffle(ranked)  # news words get ordinary ranks: most entries match no topic
    return ranked


def make_entries(rng: random.Random, vocab: list[str], n: int) -> list[tuple[str, str]]:
    weights = [1 / (rank + 1) for rank in range(len(vocab))]  # Zipf-like, as in real text
    out = []
    for _ in range(n):
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(6, 14)))
        summary = " ".join(rng.choices(vocab, weights, k=rng.randint(15, 40)))
        out.append((title.capitalize(), f"<p>{summary}.</p>"))
    return out


def make_watches(rng: random.Random, vocab: list[str], n: int, termsets: TermSets) -> list[Query]:
    vocab = vocab[500:]  # not the most frequent words: see the module docstring
    shapes = [
        # Term sets from the config, as subscribers use them: a concept plus their own word.
        lambda: f"@agreement {rng.choice(vocab)}",
        lambda: f"@belarus NEAR/5 {rng.choice(vocab)[:5]}*",
        lambda: f"{rng.choice(vocab)} -@ukraine",
        lambda: f"({rng.choice(vocab)} OR @security-guarantees) {rng.choice(vocab)}",
        lambda: rng.choice(vocab),
        lambda: f"{rng.choice(vocab)} {rng.choice(vocab)}",
        lambda: f'"{rng.choice(vocab)} {rng.choice(vocab)}"',
        lambda: f"{rng.choice(vocab)} OR {rng.choice(vocab)}",
        lambda: f"{rng.choice(vocab)[:5]}* -{rng.choice(vocab)}",
        lambda: f"({rng.choice(vocab)} OR {rng.choice(vocab)}) {rng.choice(vocab)}",
        lambda: f"{rng.choice(vocab)} NEAR/3 {rng.choice(vocab)}",
    ]
    return [parse_query(rng.choice(shapes)(), termsets=termsets) for _ in range(n)]


def naive_rate(queries: list[Query], entries: list[tuple[str, str]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for title, summary in entries:
            doc = Doc(plain(f"{title}\n{summary}"))  # the same text the matcher reads
            for q in queries:
                evaluate(q.root, doc, set())
        best = min(best, time.process_time() - start)
    return len(entries) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=20_000)
    ap.add_argument("--watches", type=int, default=10_000)
    ap.add_argument("--naive-sample", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="passes; the fastest counts")
    ap.add_argument("--config", default=str(ROOT / "feeds.yaml"))
    args = ap.parse_args()
    rng = random.Random(42)
    config = load_config(args.config)
    vocab = vocabulary(rng, 20_000)
    entries = make_entries(rng, vocab, args.entries)
    termsets = config_termsets(config)
    watches = make_watches(rng, vocab, args.watches, termsets)
    with_sets = sum("@" in q.text for q in watches)

    t0 = time.process_time()
    matcher = build_matcher(config, [(i, q.text) for i, q in enumerate(watches)])
    build_s = time.process_time() - t0
    # Best of `--repeat` passes, as timeit does: the minimum is the least disturbed by
    # whatever else the machine runs; every pass does the same work.
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.process_time()
        hits = sum(matcher.match(title, summary).any for title, summary in entries)
        best = min(best, time.process_time() - t0)
    indexed = len(entries) / best

    all_queries = [r.query for r in topic_rules(config)] + watches
    naive = naive_rate(all_queries, entries[: args.naive_sample], args.repeat)
    print(f"queries: {len(all_queries)} ({len(all_queries) - len(watches)} topic rules + {len(watches)} watches,"
          f" {with_sets} of them with term sets)")
    print(f"index build: {build_s:.2f} s CPU")
    print(f"indexed matcher: {indexed:,.0f} entries/s on one core ({len(entries)} entries, "
          f"{hits} with a match; best of {args.repeat})")
    print(f"naive loop:      {naive:,.1f} entries/s ({args.naive_sample} entries sampled)")
    print(f"ratio: {indexed / naive:,.0f}x  (targets: >= 5,000 entries/s and >= 100x)")


if __name__ == "__main__":
    main()
