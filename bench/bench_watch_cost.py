"""Benchmark: what a hostile subscriber's watches cost. 20 adversarial watches in one chat
(wildcards on the commonest prefixes, NEAR/20 between the commonest words, phrases and OR
groups of them, term sets) against 20 ordinary ones, per entry, in the same run:

1. on news-like entries (headline and lede lengths, words drawn Zipf-like from common
   English and Russian news vocabulary): the ratio adversarial/ordinary (target <= 2x);
2. on hostile entries where nearly every word is one the adversarial watches hit, at
   growing lengths up to what the parser keeps: microseconds per word stay flat, i.e. the
   cost is linear in the entry (NEAR merges sorted positions; no pair is enumerated).

Also prints NEAR evaluated pair by pair (as before) for comparison.
Run: python bench/bench_watch_cost.py [--entries 3000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config
from bot.matching import doc as doc_module
from bot.matching import evaluate as evaluate_module
from bot.matching.matcher import Matcher
from bot.matching.query import Query, QueryError, parse_watch
from bot.matching.topics import config_termsets
from bot.model import SUMMARY_MAX, TITLE_MAX
from bot.telegram.watchcmds import BROAD_SHARE

ORDINARY = [
    "treaty Minsk", '"security guarantees" Belarus', "Lukashenko NEAR/5 Putin", "oil gas",
    "(sanctions OR embargo) Belarus", "nuclear -Ukraine", '"union state" budget', "ratif*",
    "border Poland", "election Minsk", "Shoigu Khrenin", "@agreement Minsk", "grain corridor",
    "Zapad drills", "Oreshnik", "Belavia flights", "potash Lithuania", "Astravets plant",
    "@belarus NEAR/3 @agreement", "parliament vote",
]
ADVERSARIAL = [
    "the NEAR/20 the", "(the OR of OR in OR and OR to) NEAR/20 (a OR on OR at OR for)",
    "con* NEAR/20 pre*", "pro* NEAR/20 the", '"of the" NEAR/20 "in the"',
    "(пре* OR про* OR при*) NEAR/20 (на OR по OR не)", '"в том" NEAR/20 и',
    "the of in and to a on at for with", "sta* OR sec* OR con* OR pre* OR pro* OR min*",
    "(the NEAR/20 of) (in NEAR/20 and)", "@agreement NEAR/20 the", "@belarus NEAR/20 (of OR in)",
    '"the the"', "the -zzzz*", "((sta* OR sec*) NEAR/20 (con* OR pre*)) (the OR of)",
    "и NEAR/20 в", "(и OR в OR на) NEAR/20 (не OR что)", "min* NEAR/20 mos*",
    "@security-guarantees OR @agreement OR @belarus", "the NEAR/1 the",
    # Worst cases /watch accepts: common prefixes, NEAR/20 to function words, big sets.
    "sec* NEAR/20 the", "(con* OR pre* OR pro*) NEAR/20 (of OR in OR and)", "sta* NEAR/20 sta*",
    "@russia NEAR/20 @belarus", "@agreement NEAR/20 (и OR в OR на)", "при* NEAR/20 пре*",
    "@belarus OR @russia OR @union-state", "(min* OR mos*) NEAR/20 (pre* OR pro*)",
    "the con*", "@security-guarantees NEAR/20 (the OR of)", "sig* NEAR/20 the",
    # Narrow but costly to evaluate: big term sets, NEAR chains, nesting, long phrases.
    "@belarus NEAR/20 @russia NEAR/20 @agreement", "(@belarus OR @russia) NEAR/20 @concept",
    "@union-state NEAR/20 (sec* OR sta*) NEAR/20 con*", '"the state of the union" NEAR/20 pre*',
    "((@agreement NEAR/20 @belarus) OR (@agreement NEAR/20 @russia)) -@ukraine",
    "(((sta* OR sec*) NEAR/20 con*) NEAR/20 pre*) NEAR/20 @belarus",
    "@security-guarantees NEAR/20 @union-state", "@agreement NEAR/20 sig* NEAR/20 @belarus",
    "(pro* NEAR/20 con*) (sta* NEAR/20 sec*)", "@russia NEAR/20 (pre* OR pro*) NEAR/20 @belarus",
]
ADVERSARIAL_KEPT = 20  # compared with as many ordinary watches
COMMON = ["the", "of", "in", "and", "to", "a", "on", "at", "for", "with", "is", "was", "that", "by", "from", "as", "said", "it", "its", "has", "have", "be", "are", "will", "not", "but", "this", "an", "or", "after", "over", "two", "new", "more", "than", "president", "minister", "state", "security", "union", "treaty", "agreement", "talks", "minsk", "moscow", "belarus", "russia", "putin", "lukashenko", "council", "summit", "concept", "guarantees", "defence", "nuclear", "forces", "border", "sanctions", "gas", "oil", "trade", "deal", "signed", "visit", "meeting", "parliament", "government", "и", "в", "на", "не", "что", "с", "по", "к", "о", "из", "за", "у", "от", "для", "как", "это", "его", "она", "они", "был", "были", "будет", "также", "уже", "после", "между", "против", "под", "при", "про", "пре", "при", "президент", "министр", "государство", "безопасность", "союз", "договор", "соглашение", "переговоры", "минск", "москва", "беларусь", "россия", "путин", "лукашенко", "совет", "саммит", "концепция", "гарантии", "оборона", "граница", "санкции", "газ", "нефть", "подписали", "визит", "встреча", "парламент", "правительство"]


def news_text(rng: random.Random, words: int) -> str:
    weights = [1 / (rank + 1) for rank in range(len(COMMON))]
    return " ".join(rng.choices(COMMON, weights, k=words))


def hostile_text(rng: random.Random, chars: int) -> str:
    """Only words the adversarial watches hit, up to `chars`."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(["the", "of", "in", "and", "a", "on", "и", "в", "на", "не"])
                     if rng.random() < 0.5 else
                     rng.choice(["con", "pre", "pro", "sta", "sec", "min", "пре", "про"])
                     + "".join(rng.choices("aeiourstn", k=4)))
    return " ".join(words)[:chars]


def parsed(queries: list[str]) -> list[tuple[tuple[int, int], Query]]:
    """The queries as /watch accepts them (the chat limits); the refused ones are named."""
    termsets = config_termsets(load_config(ROOT / "feeds.yaml"))
    found = []
    for n, text in enumerate(queries):
        try:
            found.append(((1, n), parse_watch(text, max_length=300, max_terms=20,
                                               termsets=termsets)))
        except QueryError as err:
            print(f"  /watch refuses {text!r}: {err}")
    return found


def narrow_enough(watches: list[tuple[tuple[int, int], Query]],
                  sample: list[tuple[str, str]]) -> list[tuple[tuple[int, int], Query]]:
    """What /watch also refuses: a watch matching a quarter of the recent news (its preview
    runs on the newest entries; here on `sample`)."""
    kept = []
    for key, query in watches:
        matcher = Matcher((), [(key, query)])
        share = sum(bool(matcher.match(t, s).watches) for t, s in sample) / len(sample)
        if share >= BROAD_SHARE:
            print(f"  /watch refuses {query.text!r}: matches {share:.0%} of recent entries")
        else:
            kept.append((key, query))
    return kept


def per_entry(watches: list[tuple[tuple[int, int], Query]], entries: list[tuple[str, str]],
              repeat: int) -> float:
    """Best-of-`repeat` microseconds per entry for a matcher holding only `watches`."""
    matcher = Matcher((), watches)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for title, summary in entries:
            matcher.match(title, summary)
        best = min(best, time.perf_counter() - started)
    return best / len(entries) * 1e6


def with_pairwise_near(run: Callable[[], float]) -> float:
    """`run` with NEAR evaluated pair by pair, as before merging (for comparison only)."""
    def pairwise(node, doc, hits):  # type: ignore[no-untyped-def]
        found = False
        for a1, b1 in doc_module.spans(node.left, doc):
            for a2, b2 in doc_module.spans(node.right, doc):
                gap = a2 - b1 - 1 if a2 > b1 else a1 - b2 - 1
                if 0 <= gap <= node.distance:
                    hits.update(range(a1, b1 + 1), range(a2, b2 + 1))
                    found = True
        return found

    merged = evaluate_module._near
    evaluate_module._near = pairwise
    try:
        return run()
    finally:
        evaluate_module._near = merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    news = [(news_text(rng, rng.randint(8, 16)).capitalize(), news_text(rng, rng.randint(20, 45)))
            for _ in range(args.entries)]
    ordinary = parsed(ORDINARY)
    adversarial = narrow_enough(parsed(ADVERSARIAL), news[:500])[:ADVERSARIAL_KEPT]
    print(f"adversarial watches /watch accepts: {len(adversarial)} of {len(ADVERSARIAL)}; "
          f"ordinary: {len(ordinary)}")
    plain, hostile = per_entry(ordinary, news, args.repeat), per_entry(adversarial, news, args.repeat)
    print(f"news-like entries: {len(news)} (8-16 word titles, 20-45 word summaries)")
    print(f"  {len(ordinary)} ordinary watches:    {plain:8.1f} us/entry")
    print(f"  {len(adversarial)} adversarial watches: {hostile:8.1f} us/entry")
    print(f"  ratio adversarial/ordinary: {hostile / plain:.2f}x (target <= 2x)")
    print("hostile entries (nearly every word hit), adversarial watches, by entry length:")
    for chars in (250, 500, 1000, TITLE_MAX + SUMMARY_MAX):
        rows = [(hostile_text(rng, chars // 3), hostile_text(rng, chars - chars // 3))
                for _ in range(max(200, args.entries // 10))]
        words = sum(len(t.split()) + len(s.split()) for t, s in rows) / len(rows)
        cost = per_entry(adversarial, rows, args.repeat)
        old = with_pairwise_near(lambda rows=rows: per_entry(adversarial, rows[:100], 1))
        print(f"  {chars:5d} chars ({words:4.0f} words): {cost:8.1f} us/entry, "
              f"{cost / words:5.2f} us/word; pairwise NEAR (before): {old / words:6.2f} us/word")


if __name__ == "__main__":
    main()
