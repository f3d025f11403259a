"""The query language of topics and watches: `words "phrases" OR NOT -word (groups) prefix*
a NEAR/3 b @termset source:belta lang:be` parsed into a small AST, with limits and error
positions. Longer than 300 lines: the AST, the lexer and the parser share private tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.matching.filters import Filter, parse_filter
from bot.matching.stopwords import is_common
from bot.matching.textnorm import normalize, stem, words

# No user text ever becomes a regex: cost is bounded by length, term and depth limits.
MAX_LENGTH = 300
MAX_TERMS = 20
MAX_DEPTH = 8
MAX_NEAR = 20
MIN_PREFIX = 3  # a shorter prefix would match half the dictionary


class QueryError(Exception):
    """A malformed query: what went wrong and at which character (0-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


@dataclass(frozen=True, slots=True)
class Term:
    word: str  # normalised surface word as written
    key: str  # stem, or the raw prefix for wildcards
    prefix: bool = False

    def __str__(self) -> str:
        return self.word + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class Phrase:
    terms: tuple[Term, ...]

    def __str__(self) -> str:
        return '"' + " ".join(str(t) for t in self.terms) + '"'


@dataclass(frozen=True, slots=True)
class Near:
    left: Term | Phrase | Or  # an Or here holds only terms and phrases
    right: Term | Phrase | Or
    distance: int


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]
    # Set on the expansion of a term set (`@name`): the label that explains a match.
    concept: str | None = None


Node = Term | Phrase | Near | Not | And | Or | Filter
# Compiled term sets by name: each an Or of terms and phrases carrying its concept label.
TermSets = Mapping[str, Or]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the source text and its tree."""

    text: str
    root: Node


_TOKEN_RE = re.compile(
    r'(?P<space>\s+)|(?P<lpar>\()|(?P<rpar>\))|(?P<quote>")'
    r"|(?P<near>NEAR/\d*)|(?P<word>[^\s()\"]+)"
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # lpar rpar phrase near op word set filter
    text: str
    pos: int
    value_pos: int = 0  # filter: where its value starts


# `source:belta`, `lang:be`, `-source:ria`: the field, case-insensitive, and its value.
_FILTER_RE = re.compile(r"(-?)(source|lang):", re.IGNORECASE)
_FILTER_VALUE_RE = re.compile(r'[^\s()"]*')


_WORDISH_RE = re.compile(r"[^\W_]|\*")
# `@name`: a term set; trailing punctuation ("@treaty,") is not part of the name.
_SET_RE = re.compile(r"@([a-z0-9_-]*)([^\w-]*)")

# Phones and word processors type typographic quotes; all of them open or close a phrase.
# One character for one keeps every error position true to what the user typed.
_QUOTES = str.maketrans({q: '"' for q in "«»“”„‟″"})


def _lex(text: str) -> list[_Tok]:
    text = text.translate(_QUOTES)
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        m = _TOKEN_RE.match(text, i)
        assert m is not None  # the word alternative matches any non-space char
        kind = m.lastgroup or "word"
        if kind == "word" and (f := _FILTER_RE.match(text, i)) is not None:
            i = _lex_filter(text, f, toks)
            continue
        if kind == "quote":
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("unclosed quote", i)
            toks.append(_Tok("phrase", text[i + 1 : end], i))
            i = end + 1
            continue
        if kind == "word" and m.group() in ("AND", "OR", "NOT"):
            kind = "op"
        if kind == "word" and m.group().startswith("@"):
            kind = "set"
        word = m.group()
        if kind == "word" and word == "-" and text.startswith("(", m.end()):
            kind, word = "op", "NOT"  # "-(a OR b)" excludes the group, as "-a" excludes a
        elif kind == "word" and not _WORDISH_RE.search(word):
            kind = "space"  # a free-standing dash or comma ("Russia — Belarus") is not a term
        if kind != "space":
            toks.append(_Tok(kind, word, i))
        i = m.end()
    return toks


def _lex_filter(text: str, f: re.Match[str], toks: list[_Tok]) -> int:
    """A filter token (after a NOT for `-source:`); its value runs to the next space or
    parenthesis, or is quoted (`source:"moscow times"`). Returns where lexing goes on."""
    if f.group(1):
        toks.append(_Tok("op", "NOT", f.start()))
    start = f.end()
    if text.startswith('"', start):
        end = text.find('"', start + 1)
        if end < 0:
            raise QueryError("unclosed quote", start)
        value, after = text[start + 1:end], end + 1
    else:
        m = _FILTER_VALUE_RE.match(text, start)
        assert m is not None  # the pattern matches the empty string
        value, after = m.group(), m.end()
    field = f.group(2).lower()
    toks.append(_Tok("filter", f"{field}:{value}", f.start() + len(f.group(1)), start))
    return after


class _Parser:
    def __init__(self, text: str, max_terms: int, termsets: TermSets) -> None:
        self.text = text
        self.toks = _lex(text)
        self.i = 0
        self.terms = 0
        self.max_terms = max_terms
        self.termsets = termsets
        self.filters: list[int] = []  # where each filter starts

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            raise QueryError("the query is empty", 0)
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:
            if tok.kind == "rpar":
                raise QueryError("unbalanced parenthesis: ')' without '('", tok.pos)
            raise QueryError(f"unexpected {tok.text!r}", tok.pos)
        return node

    def or_expr(self, depth: int) -> Node:
        parts = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.take()
            if self.peek() is None or self.peek().kind == "rpar":  # type: ignore[union-attr]
                raise QueryError("OR needs a term after it", tok.pos)
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, depth: int) -> Node:
        parts = [self.unary(depth)]
        while (tok := self.peek()) is not None and not (tok.kind == "rpar" or tok.text == "OR"):
            if tok.kind == "op" and tok.text == "AND":
                self.take()
                if self.peek() is None:
                    raise QueryError("AND needs a term after it", tok.pos)
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        tok = self.peek()
        if depth > MAX_DEPTH:
            raise QueryError(f"NOT and parentheses nest deeper than {MAX_DEPTH}", tok.pos if tok else 0)
        if tok is not None and tok.kind == "op" and tok.text == "NOT":
            self.take()
            if self.peek() is None:
                raise QueryError("NOT needs a term after it", tok.pos)
            return Not(self.unary(depth + 1))
        if tok is not None and tok.kind == "word" and tok.text.startswith("-") and len(tok.text) > 1:
            rest = tok.text[1:]
            self.toks[self.i] = _Tok("set" if rest.startswith("@") else "word", rest, tok.pos + 1)
            return Not(self.unary(depth + 1))
        return self.near(depth)

    def near(self, depth: int) -> Node:
        """`a NEAR/n b NEAR/m c` is a chain: a within n words of b, and b within m of c."""
        left = self.primary(depth)
        links: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind == "near":
            self.take()
            distance = int(tok.text[5:] or 5)
            if not 1 <= distance <= MAX_NEAR:
                raise QueryError(f"NEAR distance must be 1..{MAX_NEAR}", tok.pos)
            right = self.primary(depth)
            if not _nearable(left) or not _nearable(right):
                raise QueryError("NEAR joins words, phrases or (a OR b) groups of them", tok.pos)
            links.append(Near(left, right, distance))  # type: ignore[arg-type]
            left = right
        if not links:
            return left
        return links[0] if len(links) == 1 else And(tuple(links))

    def primary(self, depth: int) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError("a term is missing at the end", len(self.text))
        self.take()
        if tok.kind == "lpar":
            if depth >= MAX_DEPTH:
                raise QueryError(f"parentheses nest deeper than {MAX_DEPTH}", tok.pos)
            if (nxt := self.peek()) is not None and nxt.kind == "rpar":
                raise QueryError("empty parentheses", tok.pos)
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != "rpar":
                raise QueryError("unbalanced parenthesis: '(' is never closed", tok.pos)
            self.take()
            return node
        if tok.kind == "rpar":
            raise QueryError("unbalanced parenthesis: ')' without '('", tok.pos)
        if tok.kind == "phrase":
            return self.phrase(tok)
        if tok.kind in ("op", "near"):
            raise QueryError(f"{tok.text} needs a term before it", tok.pos)
        if tok.kind == "set":
            return self.termset(tok)
        if tok.kind == "filter":
            return self.filter(tok)
        return self.word(tok)

    def filter(self, tok: _Tok) -> Filter:
        """`source:NAME` or `lang:CODE`: counted as a term; never what a match needs."""
        field, _, value = tok.text.partition(":")
        try:
            found = parse_filter(field, value)
        except ValueError as err:
            raise QueryError(str(err), tok.value_pos if value.strip() else tok.pos) from None
        self.count(tok.pos)
        self.filters.append(tok.pos)
        return found

    def termset(self, tok: _Tok) -> Or:
        """`@name`: the named set's expansion, counted as one term however many members."""
        m = _SET_RE.fullmatch(tok.text.lower())
        if m is None or not m.group(1):
            raise QueryError("'@' needs a term set name after it (letters, digits, '-', '_')", tok.pos)
        found = self.termsets.get(m.group(1))
        if found is None:
            known = ", ".join(f"@{n}" for n in list(self.termsets)[:8])
            hint = f"; known: {known}" if known else "; no term sets are configured"
            raise QueryError(f"unknown term set @{m.group(1)}{hint}", tok.pos)
        self.count(tok.pos)
        return found

    def word(self, tok: _Tok) -> Term | Phrase:
        raw = tok.text
        prefix = raw.endswith("*")
        body = raw.rstrip("*")
        if "*" in body:
            raise QueryError("'*' is only allowed at the end of a word", tok.pos + body.index("*"))
        found = words(normalize(body))
        if not found:
            raise QueryError(f"{raw!r} has no letters or digits", tok.pos)
        terms = [self.term(w, tok.pos, prefix and i == len(found) - 1) for i, (w, _, _) in enumerate(found)]
        # "Russia-Belarus" is written as one word but is two: match it as a phrase.
        return terms[0] if len(terms) == 1 else Phrase(tuple(terms))

    def phrase(self, tok: _Tok) -> Node:
        terms: list[Term] = []
        for raw in tok.text.split():
            part = self.word(_Tok("word", raw, tok.pos))
            terms.extend(part.terms if isinstance(part, Phrase) else (part,))
        if not terms:
            raise QueryError("empty phrase", tok.pos)
        return terms[0] if len(terms) == 1 else Phrase(tuple(terms))

    def count(self, pos: int) -> None:
        self.terms += 1
        if self.terms > self.max_terms:
            raise QueryError(f"too many terms (the limit is {self.max_terms})", pos)

    def term(self, word: str, pos: int, prefix: bool) -> Term:
        self.count(pos)
        if prefix and len(word) < MIN_PREFIX:
            raise QueryError(f"a wildcard needs at least {MIN_PREFIX} letters before '*'", pos)
        return Term(word, word if prefix else stem(word), prefix)


def parse_query(text: str, *, max_length: int = MAX_LENGTH, max_terms: int = MAX_TERMS,
                termsets: TermSets | None = None) -> Query:
    """Parse a query or raise QueryError saying what is wrong and where. `@name` refers to
    one of `termsets` (see `bot.matching.termsets`)."""
    if len(text) > max_length:
        raise QueryError(f"the query is longer than {max_length} characters", max_length)
    parser = _Parser(text, max_terms, termsets or {})
    root = parser.parse()
    if not _has_positive(root):
        if parser.filters:
            raise QueryError("source: and lang: only narrow a query down: it also needs a word "
                             "that must appear, or it would match everything from one outlet "
                             "or language", parser.filters[0])
        raise QueryError("the query needs at least one word that must appear, not only NOT terms", 0)
    return Query(text.strip(), root)


def parse_watch(text: str, *, max_length: int, max_terms: int,
                termsets: TermSets | None = None) -> Query:
    """A subscriber's query: `parse_query`, and refused when every word it needs is a
    function word (the, of, и, в...): such a watch would match nearly every entry."""
    query = parse_query(text, max_length=max_length, max_terms=max_terms, termsets=termsets)
    if not _names_something(query.root):
        raise QueryError("every word it needs is a very common one (the, of, и, в...), so it "
                         "would match almost every entry: add a word for what you follow", 0)
    return query


def _names_something(node: Node) -> bool:
    """Whether every match needs at least one word that is not a function word."""
    if isinstance(node, Term):
        return node.prefix or not is_common(node.word)
    if isinstance(node, Phrase):
        return any(_names_something(t) for t in node.terms)
    if isinstance(node, Near):
        return _names_something(node.left) or _names_something(node.right)
    if isinstance(node, Or):  # any alternative alone makes a match
        return node.concept is not None or all(_names_something(c) for c in node.children)
    if isinstance(node, And):
        return any(_names_something(c) for c in node.children)
    return False  # NOT, or a filter: neither names anything a match needs


def parse_fragment(text: str, termsets: TermSets) -> Node:
    """The tree of a fragment such as a term set member, without the query-level checks."""
    return _Parser(text, MAX_LENGTH, termsets).parse()


def _nearable(node: Node) -> bool:
    if isinstance(node, Or):
        return all(_nearable(c) for c in node.children)
    return isinstance(node, (Term, Phrase))


def _has_positive(node: Node) -> bool:
    if isinstance(node, (Term, Phrase, Near)):
        return True
    if isinstance(node, (Not, Filter)):
        return False
    if isinstance(node, And):
        return any(_has_positive(c) for c in node.children)
    return all(_has_positive(c) for c in node.children)
