"""Named term sets (`termsets:` in feeds.yaml, `@name` in queries): compiled once into one
OR of their members each, labelled with the concept they stand for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.matching.query import Or, Phrase, QueryError, Term, TermSets, parse_fragment

Located = tuple[tuple[str | int, ...], str]  # (key path inside `termsets`, problem)
# A set that includes others is bounded after expansion, not only as written.
MAX_EXPANDED = 600
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_MEMBER_SHAPE = "a term set member is one word, prefix*, phrase or @set, without operators"


def concept_label(name: str) -> str:
    """How a term set names its concept in an alert: `security-guarantees` reads
    "security guarantees"."""
    return name.replace("-", " ").replace("_", " ")


def parse_member(text: str, termsets: TermSets) -> Term | Phrase | Or:
    """One member of a term set: a word, a prefix*, a phrase (quoted or not) or an earlier
    `@set` (its members are taken over)."""
    body = text.strip()
    parts = body.split()
    if any(p in _OPERATORS or p.startswith(("-", "(", "NEAR/")) for p in parts):
        raise QueryError(_MEMBER_SHAPE, 0)
    if len(parts) > 1 and '"' not in body and not body.startswith("@"):
        body = f'"{body}"'  # a multi-word member is a phrase
    node = parse_fragment(body, termsets)
    if isinstance(node, (Term, Phrase)) or (isinstance(node, Or) and node.concept):
        return node
    raise QueryError(_MEMBER_SHAPE, 0)


def compile_termsets(raw: Mapping[str, Sequence[str]]) -> dict[str, Or]:
    """Every set in definition order; a member may name an earlier set (`@parties`), never
    a later one, so expansion cannot loop. Raises QueryError on the first bad member."""
    compiled, problems = _compile(raw)
    if problems:
        where, message = problems[0]
        raise QueryError(f"termsets.{'.'.join(map(str, where))}: {message}", 0)
    return compiled


def compile_lenient(raw: Mapping[str, Sequence[str]]) -> dict[str, Or]:
    """Every set from its members that compile, skipping the bad ones (for load checks)."""
    return _compile(raw)[0]


def termset_problems(raw: Mapping[str, Sequence[str]]) -> list[Located]:
    """Every member that does not compile, as ((name, index), message), for load checks."""
    return _compile(raw)[1]


def _compile(raw: Mapping[str, Sequence[str]]) -> tuple[dict[str, Or], list[Located]]:
    compiled: dict[str, Or] = {}
    problems: list[Located] = []
    for name, members in raw.items():
        out: dict[Term | Phrase, None] = {}  # ordered and without repeats
        for j, text in enumerate(members):
            try:
                node = parse_member(text, compiled)
            except QueryError as err:
                problems.append(((name, j), _explain(err, text, raw, name)))
                continue
            for member in node.children if isinstance(node, Or) else (node,):
                assert isinstance(member, (Term, Phrase))  # compiled sets are flat
                out.setdefault(member, None)
        if len(out) > MAX_EXPANDED:
            problems.append(((name,), f"expands to {len(out)} members; the limit is {MAX_EXPANDED}"))
        elif out:
            compiled[name] = Or(tuple(out), concept=concept_label(name))
    return compiled, problems


def _explain(err: QueryError, text: str, raw: Mapping[str, Sequence[str]], name: str) -> str:
    """A reference to itself or to a set further down gets its own message: the order of
    definition is what keeps expansion finite."""
    ref = text.strip().removeprefix("@").lower()
    if text.strip().startswith("@") and ref in raw:
        if ref == name:
            return f"@{ref} cannot include itself"
        return f"@{ref} is defined further down; a term set may only include sets defined above it"
    return str(err)
