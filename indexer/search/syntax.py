"""How queries are written: a small own lexer and parser with hard limits checked first.

Whoosh's ``QueryParser`` is lenient (junk becomes an empty query) and roughly quadratic in the
query length, so hostile input is refused here, in linear time, with a message that quotes it.
The limits (length, nesting, clauses, prefix length, fuzzy distance) live in
``indexer/query.py`` with the tree this parser builds.
"""

from __future__ import annotations

import datetime as dt
import re

from corpus.model import KINDS
from indexer.errors import QueryError, QueryTooComplex
from indexer.search.query import (
    DATE_HELP,
    FIELD_ALIASES,
    MAX_CLAUSES,
    MAX_DEPTH,
    MAX_FUZZY,
    MAX_PLAIN_CHARS,
    MAX_PLAIN_WORDS,
    MAX_QUERY_CHARS,
    MAX_SLOP,
    MIN_PREFIX,
    And,
    DateFilter,
    Filter,
    Fuzzy,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    Word,
    empty_query,
    parse_date_bound,
    parse_period,
    shorten,
)

_FIELD_RE = re.compile(
    r"(?i)(kind|speaker|source|tag|title|date|person|org|organi[sz]ation|place|location"
    r"|nationality|norp|entity|note|author|annotated|said|in):"
)
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_STOP = frozenset(' \t\r\n\f\v()"')
_COMPARE_RE = re.compile(r"(>=|<=|>|<)(.*)")


def parse_query(source: str) -> ParsedQuery:
    """Parse ``source`` into a tree; raises ``QueryError`` subclasses naming the bad part.

    Past ``MAX_QUERY_CHARS`` or ``MAX_CLAUSES`` only plain words are accepted (up to
    ``MAX_PLAIN_CHARS`` and ``MAX_PLAIN_WORDS``): the planner searches their most selective.
    """
    if len(source) > MAX_PLAIN_CHARS:
        raise _too_long(source)
    # Lone surrogates (from badly decoded input) cannot be encoded into index terms.
    text = source.encode("utf-8", "replace").decode("utf-8").translate(_QUOTES)
    lexer = _Lexer(text)
    tokens = lexer.run()
    parser = _Parser(tokens)
    root = parser.parse()
    if root is None:
        raise empty_query(source)
    if (len(source) > MAX_QUERY_CHARS or lexer.clauses > MAX_CLAUSES) and not _is_plain(root):
        if len(source) > MAX_QUERY_CHARS:
            raise _too_long(source)
        raise QueryTooComplex(
            f"The query has more than {MAX_CLAUSES} words, phrases and filters "
            f'("{shorten(source)}"). Use fewer terms, or plain words only.'
        )
    return ParsedQuery(source, root, tuple(lexer.notices))


def _too_long(source: str) -> QueryTooComplex:
    return QueryTooComplex(
        f'The query "{shorten(source)}" is {len(source):,} characters long; the limit is '
        f"{MAX_QUERY_CHARS:,} ({MAX_PLAIN_CHARS:,} for plain words). Shorten it, or split it "
        "into several searches."
    )


def _is_plain(root: Node) -> bool:
    """Words with no field, all AND-ed (beside filters) or all OR-ed: the shape of pasted
    text or a question."""
    children = root.children if isinstance(root, And | Or) else (root,)
    filters_allowed = not isinstance(root, Or)
    return all(
        (isinstance(c, Word) and c.field is None)
        or (filters_allowed and isinstance(c, Filter | DateFilter))
        for c in children
    )


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n > 1 else f"an {what}" if what[0] in "aeiou" else f"a {what}"


# Tokens: "(" / ")" / "AND" / "OR" / "NOT" (also a leading "-") or a leaf node.
_Token = str | Word | Prefix | Fuzzy | Phrase | Filter | DateFilter


class _Lexer:
    """Splits the query into tokens in one pass; counts clauses and depth as it goes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.depth = 0
        self.clauses = 0
        self.unmatched = 0
        self.notices: list[str] = []
        self.tokens: list[_Token] = []

    def run(self) -> list[_Token]:
        """All tokens, unclosed parentheses closed at the end (with a notice)."""
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch.isspace():
                self.i += 1
            elif ch == "(":
                self._open()
            elif ch == ")":
                self._close()
            elif ch in "-+" and self._starts_operand(self.i + 1):
                if ch == "-":
                    self.tokens.append("NOT")
                self.i += 1
            elif ch == '"':
                self._leaf(self._phrase(None))
            else:
                self._bare()
        if self.unmatched:
            self.notices.append(f'Ignored {_count(self.unmatched, "unmatched")} ")".')
        if self.depth:
            self.tokens.extend([")"] * self.depth)
            self.notices.append(f'Added {_count(self.depth, "missing")} ")" at the end.')
        return self.tokens

    def _starts_operand(self, j: int) -> bool:
        return j < len(self.text) and not self.text[j].isspace() and self.text[j] != ")"

    def _open(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryTooComplex(
                f'Parentheses nest deeper than {MAX_DEPTH} levels at "'
                f'{shorten(self.text[max(0, self.i - 20) : self.i + 20])}". Remove some.'
            )
        self.tokens.append("(")
        self.i += 1

    def _close(self) -> None:
        if self.depth:
            self.depth -= 1
            self.tokens.append(")")
        else:
            self.unmatched += 1
        self.i += 1

    def _leaf(self, leaf: _Token | None) -> None:
        if leaf is None:
            return
        self.clauses += 1
        if self.clauses > MAX_PLAIN_WORDS:
            raise QueryTooComplex(
                f"The query has more than {MAX_PLAIN_WORDS:,} words, phrases and filters "
                f'("{shorten(self.text)}"). Use fewer terms.'
            )
        self.tokens.append(leaf)

    def _read_word(self) -> tuple[int, int]:
        start = self.i
        while self.i < len(self.text) and self.text[self.i] not in _STOP:
            self.i += 1
        return start, self.i

    def _bare(self) -> None:
        m = _FIELD_RE.match(self.text, self.i)
        if m:
            self.i = m.end()
            field = m.group(1).lower()
            self._leaf(self._field(FIELD_ALIASES.get(field, field), m.group(0)))
            return
        start, end = self._read_word()
        word = self.text[start:end]
        if word in ("AND", "OR", "NOT"):
            self.tokens.append(word)
        elif word in ("&&", "||"):
            self.tokens.append("AND" if word == "&&" else "OR")
        else:
            self._leaf(self._word(word, None, start))

    def _phrase(self, field: str | None) -> Phrase | None:
        start = self.i + 1
        end = self.text.find('"', start)
        if end < 0:
            end = len(self.text)
            rest = self.text[start:].strip()
            self.notices.append(
                f'Added the missing closing quote after "{shorten(rest)}".'
                if rest
                else "Ignored a quote mark that closes nothing."
            )
        self.i = end + 1
        words = self.text[start:end].strip()
        slop = 0
        m = re.compile(r"~(\d*)").match(self.text, self.i) if self.i < len(self.text) else None
        if m:
            self.i = m.end()
            slop = min(int(m.group(1) or 1), MAX_SLOP)
            if int(m.group(1) or 1) > MAX_SLOP:
                self.notices.append(f"Phrase distance lowered to {MAX_SLOP} words.")
        return Phrase(words, slop, field) if words else None

    def _word(self, word: str, field: str | None, start: int) -> _Token | None:
        fuzzy = re.fullmatch(r"(.*?)~(\d*)", word)
        if fuzzy and fuzzy.group(1):
            stem, asked = fuzzy.group(1), int(fuzzy.group(2) or 1)
            distance = min(asked, MAX_FUZZY)
            if asked > MAX_FUZZY:
                self.notices.append(f'Fuzzy distance for "{shorten(word)}" capped at {MAX_FUZZY}.')
            return Fuzzy(stem.lower(), distance, field) if distance else Word(stem, field)
        if "*" in word:
            return self._prefix(word, field, word if field is None else f"{field}:{word}")
        return Word(word, field, start, start + len(word))

    def _prefix(self, word: str, field: str | None, label: str) -> Prefix:
        if word.strip("*") == "":
            raise QueryError(
                f'"{shorten(label)}" alone would match every document. Add a word, or choose '
                "filters (kind:, speaker:, source:, tag:, date:) to browse."
            )
        stem = word[:-1] if word.endswith("*") else word
        if "*" in stem:
            raise QueryError(
                f'In "{shorten(label)}", "*" can only end a word, as in "negotiat*". Wildcards '
                "at the start or inside a word are not supported."
            )
        if len(stem) < MIN_PREFIX or not stem[:MIN_PREFIX].isalnum():
            raise QueryTooComplex(
                f'The prefix "{shorten(word)}" is too short: give at least {MIN_PREFIX} letters '
                'before "*".'
            )
        return Prefix(stem.lower(), field)

    def _field(self, field: str, label: str) -> _Token | None:
        text = self.text
        if self.i < len(text) and text[self.i] == '"':
            if field == "title":
                return self._phrase("title")
            phrase = self._phrase(None)
            value = phrase.text if phrase else ""
        elif field == "date" and self.i < len(text) and text[self.i] in "[{":
            return self._date_range(label)
        else:
            start, end = self._read_word()
            value = text[start:end]
            if field == "title" and value:
                return self._word(value, "title", start)
        if not value:
            raise QueryError(f'"{label}" needs a value, e.g. {_example(field)}.')
        if field == "date":
            return _date_filter(value, label)
        if field == "annotated" and value.lower() not in ("yes", "no"):
            raise QueryError(
                f'Write annotated:yes or annotated:no, not "{shorten(label + value)}".'
            )
        if field == "in" and value.lower() not in ("annotations", "annotation"):
            raise QueryError(
                "Write in:annotations to find the words inside annotated passages only, "
                f'not "{shorten(label + value)}".'
            )
        if field == "kind" and value.lower() not in KINDS:
            raise QueryError(f'Unknown kind "{shorten(value)}". Use one of {", ".join(KINDS)}.')
        return Filter(field, value)

    def _date_range(self, label: str) -> DateFilter:
        close = "]" if self.text[self.i] == "[" else "}"
        end = self.text.find(close, self.i)
        if end < 0:
            raise QueryError(
                f'The date range "{shorten(label + self.text[self.i :])}" is missing "{close}". '
                f"{DATE_HELP}"
            )
        body = self.text[self.i + 1 : end]
        self.i = end + 1
        parts = re.split(r"\s+TO\s+", body.strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise QueryError(
                f'Write a date range as date:[2013-06 TO 2014-01], not "{shorten(body)}".'
            )
        first = None if parts[0] in ("*", "") else parse_date_bound(parts[0], upper=False)
        last = None if parts[1] in ("*", "") else parse_date_bound(parts[1], upper=True)
        if first and last and first > last:
            raise QueryError(f'The date range "{body}" ends before it starts. Swap the dates.')
        return DateFilter(first, last, f"{label}[{body}]")


def _date_filter(value: str, label: str) -> DateFilter:
    m = _COMPARE_RE.fullmatch(value)
    if not m:
        period = parse_period(value)
        return DateFilter(period.value, period.last_day(), label + value)
    op, bound = m.groups()
    period = parse_period(bound)
    one = dt.timedelta(days=1)
    if op == ">":
        return DateFilter(period.last_day() + one, None, label + value)
    if op == ">=":
        return DateFilter(period.value, None, label + value)
    if op == "<":
        return DateFilter(None, period.value - one, label + value)
    return DateFilter(None, period.last_day(), label + value)


def _example(field: str) -> str:
    return {
        "kind": "kind:speech",
        "speaker": 'speaker:"Vladimir Putin"',
        "source": 'source:"UN Records"',
        "tag": "tag:energy",
        "title": 'title:"General Debate"',
        "date": "date:2013-06",
        "person": 'person:"Vladimir Putin"',
        "org": "org:NATO",
        "place": "place:Pyongyang",
        "nationality": "nationality:Russian",
        "entity": "entity:vladimir-putin-1c2f3a",
        "note": "note:ruble",
        "author": "author:local",
        "annotated": "annotated:yes",
        "said": 'said:putin "Far East"',
        "in": "in:annotations sanctions",
    }[field]


class _Parser:
    """Recursive descent; depth is already bounded by the lexer, so recursion is safe.

    Grammar (dangling operators are dropped):  and := or+ ;  or := unary ("OR" unary)* ;
    unary := "NOT" unary | primary ;  primary := "(" and ")" | leaf.
    """

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def parse(self) -> Node | None:
        """The tree of the whole token list, or None when nothing searchable is in it.

        The lexer balanced the parentheses, so the top-level conjunction reads every token.
        """
        return self._and()

    def _peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _and(self) -> Node | None:
        parts: list[Node] = []
        while (tok := self._peek()) is not None and tok != ")":
            if tok in ("AND", "OR"):
                self.i += 1
                continue
            node = self._or()
            if node is not None:
                parts.append(node)
        return _join(And, parts)

    def _or(self) -> Node | None:
        parts = [self._unary()]
        while self._peek() == "OR":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt in (")", "AND", "OR"):
                break
            parts.append(self._unary())
        return _join(Or, [p for p in parts if p is not None])

    def _unary(self) -> Node | None:
        tok = self._peek()
        if tok == "NOT":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt in (")", "AND", "OR"):
                return None
            child = self._unary()
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        return self._primary()

    def _primary(self) -> Node | None:
        tok = self._peek()
        self.i += 1
        if tok == "(":
            node = self._and()
            if self._peek() == ")":
                self.i += 1
            return node
        if tok in (None, ")", "AND", "OR"):
            return None
        return tok  # type: ignore[return-value]


def _join(cls: type[And] | type[Or], parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, cls) else (part,))
    return cls(tuple(flat))
