"""Story clustering: signatures, similarity on labelled headline pairs (precision/recall),
assignment within a time window, the inverted index, and speed."""

from __future__ import annotations

import timeit
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.summit.clusters import (
    DEFAULT_THRESHOLD,
    Candidate,
    ClusterIndex,
    Signature,
    assign,
    signature,
    similarity,
)

# (id, (title, summary), (title, summary), same story?) — headlines written for these tests.
PAIRS: list[tuple[str, tuple[str, str], tuple[str, str], bool]] = [
    ("en-reordered",
     ("Putin and Lukashenko sign security guarantees treaty in Minsk", ""),
     ("Lukashenko, Putin sign treaty on security guarantees", ""), True),
    ("en-other-subject",
     ("Putin and Lukashenko sign security guarantees treaty in Minsk", ""),
     ("Putin and Lukashenko discuss gas prices", ""), False),
    ("en-sign-vs-ratify",
     ("Russia and Belarus sign treaty on security guarantees", ""),
     ("Belarus ratifies security guarantees treaty with Russia", ""), False),
    ("en-preview-vs-signing",
     ("Putin and Lukashenko to sign security treaty on Friday", ""),
     ("Putin and Lukashenko sign security treaty", ""), False),
    ("en-wire-rewrite",
     ("Belarus, Russia sign agreement on mutual recognition of visas", ""),
     ("Russia and Belarus sign mutual visa recognition agreement", ""), True),
    ("en-summary-carries-it",
     ("Union State summit ends in Minsk",
      ("Vladimir Putin and Alexander Lukashenko signed a treaty on security guarantees "
      "within the Union State at the Supreme State Council meeting in Minsk.")),
     ("Supreme State Council wraps up in Minsk",
      ("Vladimir Putin and Alexander Lukashenko signed a treaty on security guarantees "
      "within the Union State at a session of the Supreme State Council.")), True),
    ("en-same-place-other-story",
     ("Belarus, Russia hold talks on oil supplies", ""),
     ("Belarus, Russia hold joint military drills", ""), False),
    ("en-in-force-rewrite",
     ("Security guarantees treaty between Russia and Belarus enters into force", ""),
     ("Russia-Belarus security guarantees treaty comes into force", ""), True),
    ("en-ratify-rewrite",
     ("Russian Duma ratifies security guarantees treaty with Belarus", ""),
     ("State Duma ratifies Russia-Belarus treaty on security guarantees", ""), True),
    ("en-ratify-vs-in-force",
     ("Belarus ratifies security guarantees treaty with Russia", ""),
     ("Security guarantees treaty with Russia enters into force in Belarus", ""), False),
    ("en-short-vs-long",
     ("Lukashenko arrives in Moscow", ""),
     ("Lukashenko arrives in Moscow for talks with Putin on Union State integration", ""), True),
    ("en-unrelated",
     ("Belarus raises key interest rate", ""),
     ("Russia launches new satellite", ""), False),
    ("ru-reordered",
     ("Путин и Лукашенко подписали договор о гарантиях безопасности", ""),
     ("Лукашенко и Путин подписали в Минске договор о гарантиях безопасности", ""), True),
    ("ru-sign-vs-ratify",
     ("Путин и Лукашенко подписали договор о гарантиях безопасности", ""),
     ("Госдума ратифицировала договор о гарантиях безопасности с Белоруссией", ""), False),
    ("ru-other-subject",
     ("Путин и Лукашенко подписали договор о гарантиях безопасности", ""),
     ("Путин и Лукашенко обсудили цены на газ", ""), False),
    ("ru-preview-vs-signing",
     ("Лукашенко и Путин подпишут договор о гарантиях безопасности", ""),
     ("Лукашенко и Путин подписали договор о гарантиях безопасности", ""), False),
    ("ru-wire-rewrite",
     ("Россия и Белоруссия подписали соглашение о взаимном признании виз", ""),
     ("Белоруссия и Россия подписали соглашение о взаимном признании виз в Минске", ""), True),
    ("ru-case-forms",
     ("Госдума ратифицировала договор с Беларусью о гарантиях безопасности", ""),
     ("Договор о гарантиях безопасности с Белоруссией ратифицирован Госдумой", ""), True),
    ("ru-same-day-other-story",
     ("Лукашенко прибыл в Москву", ""),
     ("Лукашенко провел переговоры с Путиным в Москве", ""), False),
    ("ru-summary-carries-it",
     ("Итоги Высшего госсовета в Минске",
      ("Путин и Лукашенко подписали договор о гарантиях безопасности в рамках Союзного "
      "государства на заседании Высшего госсовета")),
     ("Высший госсовет завершился в Минске",
      ("Путин и Лукашенко подписали договор о гарантиях безопасности в рамках Союзного "
      "государства на заседании Высшего государственного совета")), True),
    ("ru-unrelated",
     ("Нацбанк Беларуси сохранил ставку рефинансирования", ""),
     ("В Москве открылся форум регионов", ""), False),
    ("be-reordered",
     ("Лукашэнка і Пуцін падпісалі дагавор аб гарантыях бяспекі", ""),
     ("Пуцін і Лукашэнка падпісалі ў Мінску дагавор аб гарантыях бяспекі", ""), True),
    ("be-sign-vs-ratify",
     ("Лукашэнка і Пуцін падпісалі дагавор аб гарантыях бяспекі", ""),
     ("Палата прадстаўнікоў ратыфікавала дагавор аб гарантыях бяспекі", ""), False),
    ("de-reordered",
     ("Putin und Lukaschenko unterzeichnen Vertrag über Sicherheitsgarantien", ""),
     ("Lukaschenko und Putin unterzeichnen in Minsk Vertrag über Sicherheitsgarantien", ""),
     True),
    ("de-sign-vs-ratify",
     ("Putin und Lukaschenko unterzeichnen Vertrag über Sicherheitsgarantien", ""),
     ("Duma ratifiziert Vertrag über Sicherheitsgarantien mit Belarus", ""), False),
    ("en-talks-rewrite-by-summary",
     ("Lukashenko meets Putin in Minsk",
      ("The presidents discussed energy prices and gas supplies for next year, the press "
      "service said.")),
     ("Putin holds talks with Lukashenko in Minsk",
      "The leaders discussed gas prices and energy supplies for next year."), True),
    ("en-same-venue-other-story",
     ("Minsk hosts Union State forum of regions",
      "Delegates discussed cooperation and trade between Belarusian and Russian regions."),
     ("Union State summit ends in Minsk",
      "Putin and Lukashenko signed a treaty on security guarantees."), False),
    ("en-two-deals-same-day",
     ("Belarus and Russia sign visa recognition agreement",
      "The countries signed an agreement on mutual recognition of visas in Minsk."),
     ("Belarus and Russia sign energy pricing agreement",
      "The countries signed an agreement on gas and oil pricing in Minsk."), False),
    ("uk-reordered",
     ("Путін і Лукашенко підписали договір про гарантії безпеки", ""),
     ("Лукашенко і Путін підписали в Мінську договір про гарантії безпеки", ""), True),
    ("cross-language-never",
     ("Putin and Lukashenko sign security guarantees treaty", ""),
     ("Путин и Лукашенко подписали договор о гарантиях безопасности", ""), False),
]


# Written after DEFAULT_THRESHOLD was fixed and never tuned on: an honest estimate.
# Known misses: en6 (a comment on the treaty vs its signing), ru4 ("одобрил" is not a
# ratification cue and Совфед/Совет Федерации share no word), de1 (German verbs unstemmed).
HELD_OUT: list[tuple[str, tuple[str, str], tuple[str, str], bool]] = [
    ("en1",
     ("Lukashenko and Putin agree on common gas market rules", ""),
     ("Putin, Lukashenko agree rules for common gas market", ""), True),
    ("en2",
     ("Russia to supply Belarus with S-400 systems, Shoigu says", ""),
     ("Shoigu: Russia will deliver S-400 systems to Belarus", ""), True),
    ("en3",
     ("Belarus parliament ratifies union state migration agreement", ""),
     ("Belarus parliament ratifies agreement on military training centres", ""), False),
    ("en4",
     ("Putin arrives in Minsk for Supreme State Council", ""),
     ("Putin lands in Minsk ahead of Supreme State Council session", ""), True),
    ("en5",
     ("Belarus and Russia agree to cut roaming fees", ""),
     ("Belarus and Russia agree on oil tax compensation", ""), False),
    ("en6",
     ("Lukashenko says treaty with Russia guarantees Belarus security", ""),
     ("Kremlin: security guarantees treaty signed with Belarus", ""), False),
    ("ru1",
     ("Путин прибыл в Минск на заседание Высшего госсовета", ""),
     ("Путин прилетел в Минск для участия в заседании Высшего госсовета", ""), True),
    ("ru2",
     ("Белоруссия и Россия договорились о снижении тарифов на роуминг", ""),
     ("Россия и Белоруссия договорились снизить тарифы на роуминг", ""), True),
    ("ru3",
     ("Минск и Москва обсудили поставки нефти", ""),
     ("Минск и Москва обсудили строительство АЭС", ""), False),
    ("ru4",
     ("Совет Федерации одобрил договор о гарантиях безопасности", ""),
     ("Совфед ратифицировал договор с Белоруссией о гарантиях безопасности", ""), True),
    ("ru5",
     ("Лукашенко поздравил Путина с днем рождения", ""),
     ("Лукашенко и Путин подписали договор о гарантиях безопасности", ""), False),
    ("de1",
     ("Putin trifft Lukaschenko in Minsk", ""),
     ("Lukaschenko empfängt Putin in Minsk", ""), True),
]


def _sig(pair: tuple[str, str]) -> Signature:
    return signature(*pair)


@pytest.mark.parametrize(
    "a,b,same", [(a, b, s) for _, a, b, s in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_pair_decision(a: tuple[str, str], b: tuple[str, str], same: bool) -> None:
    score = similarity(_sig(a), _sig(b))
    assert (score >= DEFAULT_THRESHOLD) is same, f"score {score:.2f}"
    assert similarity(_sig(b), _sig(a)) == pytest.approx(score)  # symmetric


def pair_precision_recall(
    pairs: list[tuple[str, tuple[str, str], tuple[str, str], bool]], threshold: float,
) -> tuple[float, float]:
    decided = [(similarity(_sig(a), _sig(b)) >= threshold, same) for _, a, b, same in pairs]
    tp = sum(1 for got, same in decided if got and same)
    fp = sum(1 for got, same in decided if got and not same)
    fn = sum(1 for got, same in decided if not got and same)
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_pair_table_precision_and_recall() -> None:
    assert len(PAIRS) >= 20
    assert pair_precision_recall(PAIRS, DEFAULT_THRESHOLD) == (1.0, 1.0)


def test_held_out_precision_and_recall() -> None:
    precision, recall = pair_precision_recall(HELD_OUT, DEFAULT_THRESHOLD)
    assert (round(precision, 2), round(recall, 2)) >= (0.83, 0.71)


def test_signature_drops_stop_words_short_tokens_and_reads_30_summary_words() -> None:
    sig = signature("The treaty is signed in Minsk", " ".join(f"word{i}" for i in range(50)))
    assert sig.title == frozenset({"treati", "sign", "minsk"})
    assert len(sig.summary) == 30 and "word29" in sig.summary and "word30" not in sig.summary
    assert sig.actions == frozenset({"sign"})
    assert signature("", "") == Signature(frozenset(), frozenset(), frozenset())


@pytest.mark.parametrize(
    "title,actions",
    [
        ("Putin and Lukashenko to sign treaty", {"sign", "future"}),
        ("Путин и Лукашенко подпишут договор", {"sign", "future"}),
        ("Treaty enters into force", {"in_force"}),
        ("Significant signal from Minsk", set()),
        ("Госдума ратифицировала договор", {"ratify"}),
        ("Putin and Lukashenko discuss gas", {"talks"}),
    ],
    ids=["en-preview", "ru-future", "in-force", "not-sign", "ru-ratify", "talks"],
)
def test_actions(title: str, actions: set[str]) -> None:
    assert signature(title, "").actions == actions


T0 = datetime(2024, 12, 6, 9, 0, tzinfo=UTC)
SIGNED_EN = signature("Putin and Lukashenko sign security guarantees treaty in Minsk", "")
SIGNED_EN_2 = signature("Lukashenko, Putin sign treaty on security guarantees", "")
GAS = signature("Putin and Lukashenko discuss gas prices", "")


@pytest.mark.parametrize(
    "candidates,at,expected",
    [
        ([Candidate(1, SIGNED_EN, T0, "TASS")], T0 + timedelta(hours=2), 1),
        ([Candidate(1, SIGNED_EN, T0, "TASS")], T0 - timedelta(hours=35), 1),  # either side
        ([Candidate(1, SIGNED_EN, T0, "TASS")], T0 + timedelta(hours=37), None),
        ([Candidate(1, GAS, T0, "TASS")], T0, None),
        ([], T0, None),
        ([Candidate(1, GAS, T0, "A"), Candidate(2, SIGNED_EN, T0, "B")], T0, 2),
        # Same score: the candidate nearest in time wins.
        ([Candidate(1, SIGNED_EN, T0 - timedelta(hours=20), "A"),
          Candidate(2, SIGNED_EN, T0 - timedelta(hours=1), "B")], T0, 2),
    ],
    ids=["near", "before-within-window", "outside-window", "other-story", "empty",
         "best-of-two", "tie-nearest"],
)
def test_assign(candidates: list[Candidate], at: datetime, expected: int | None) -> None:
    window = timedelta(hours=36)
    assert assign(SIGNED_EN_2, at, "RIA", candidates, window) == expected
    index = ClusterIndex()
    for c in candidates:
        index.add(c)
    assert index.assign(SIGNED_EN_2, at, "RIA", window) == expected


def test_index_prune_forgets_old_candidates() -> None:
    index = ClusterIndex()
    index.add(Candidate(1, SIGNED_EN, T0 - timedelta(days=3), "TASS"))
    index.add(Candidate(2, SIGNED_EN, T0, "BelTA"))
    assert index.prune(T0 - timedelta(days=1)) == 1
    assert len(index) == 1
    assert index.assign(SIGNED_EN_2, T0 - timedelta(days=3), "RIA", timedelta(hours=1)) is None
    assert index.assign(SIGNED_EN_2, T0, "RIA", timedelta(hours=1)) == 2
    assert index.prune(T0 + timedelta(seconds=1)) == 1 and len(index) == 0


def test_index_agrees_with_the_plain_scan_on_the_pair_table() -> None:
    window = timedelta(hours=1)
    for pid, a, b, _ in PAIRS + HELD_OUT:
        candidates = [Candidate(1, _sig(a), T0, "A")]
        index = ClusterIndex()
        index.add(candidates[0])
        plain = assign(_sig(b), T0, "B", candidates, window)
        assert index.assign(_sig(b), T0, "B", window) == plain, pid


@pytest.mark.parametrize(
    "stored,new",
    [("Putin in Minsk", "Putin arrives in Minsk"), ("Putin arrives in Minsk", "Putin in Minsk")],
    ids=["stored-has-only-names", "new-has-only-names"],
)
def test_index_still_compares_titles_made_only_of_names(stored: str, new: str) -> None:
    index = ClusterIndex()
    index.add(Candidate(7, signature(stored, ""), T0, "A"))
    assert index.assign(signature(new, ""), T0, "B", timedelta(hours=1)) == 7


def _corpus(n: int) -> list[Candidate]:
    topics = ["gas prices", "oil transit", "visa recognition", "grain exports", "rail tariffs",
              "customs union", "nuclear plant", "military drills", "migration", "banking"]
    return [
        Candidate(i, signature(f"Belarus and Russia talk {topics[i % 10]} item{i} region{i % 37}",
                               f"Officials said item{i} would be reviewed in region{i % 37}."),
                  T0 - timedelta(minutes=i), f"feed{i % 25}")
        for i in range(n)
    ]


def _best_of(fn: Callable[[], object], repeat: int = 5, number: int = 10) -> float:
    """Seconds per call, the best of `repeat` batches: other processes only ever add time."""
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def test_speed_of_signature_and_assign() -> None:
    title = "Putin and Lukashenko sign security guarantees treaty in Minsk"
    summary = ("The presidents of Russia and Belarus signed a treaty on security guarantees "
               "within the Union State on Friday, the Kremlin said after the talks.")
    per_signature = _best_of(lambda: signature(title, summary), number=200)
    # Worst case for the index: every candidate shares a word with the new entry.
    candidates = _corpus(1000)
    index = ClusterIndex()
    for c in candidates:
        index.add(c)
    sig = signature(title, summary)
    window = timedelta(hours=36)
    per_assign = _best_of(lambda: index.assign(sig, T0, "RIA", window))
    per_scan = _best_of(lambda: assign(sig, T0, "RIA", candidates, window), repeat=3, number=3)
    # Typical on an idle machine: ~30 µs, ~2 ms, ~3 ms. The bounds leave room for a busy
    # 2-CPU box shared with other test runs, and still catch any quadratic slip.
    assert per_signature < 200e-6, per_signature
    assert per_assign < 10e-3, per_assign
    assert per_scan < 30e-3, per_scan
