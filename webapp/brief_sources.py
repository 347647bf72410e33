"""Finding a hand-typed quote of a brief in the corpus, to offer a citation for it.

The index finds candidate documents for the quote's words as a phrase (the search language's
own phrase matching); each candidate's current text is then searched for the exact words
(``annotations.find_in_text``: in order, punctuation and case aside), so an offer is always a
selection of real text that ``POST /api/briefs/<id>/citations`` accepts as it is. A quote with
no offer is unsourced.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations import Brief, Selection, TypedQuote, find_in_text, search_phrase, typed_quotes
from corpus import Document, Store
from indexer import QueryError, SearchIndex, SearchRequest

MAX_OFFERS = 5  # documents offered per quote


@dataclass(frozen=True)
class Offer:
    """A passage of a document holding a typed quote's words: a selection to cite."""

    selection: Selection
    document: Document


@dataclass(frozen=True)
class Sourcing:
    """A typed quote and where the corpus has it (no offers: unsourced)."""

    quote: TypedQuote
    offers: tuple[Offer, ...]

    @property
    def is_unsourced(self) -> bool:
        """True when no document of the corpus holds the quote's words."""
        return not self.offers


def source_quotes(brief: Brief, index: SearchIndex, store: Store) -> list[Sourcing]:
    """Each hand-typed quote of the brief with the passages that hold it (none looked for
    when the analyst marked it unsourced)."""
    return [
        Sourcing(q, () if q.is_marked_unsourced else tuple(_offers(q, index, store)))
        for q in typed_quotes(brief)
    ]


def _offers(quote: TypedQuote, index: SearchIndex, store: Store) -> list[Offer]:
    request = SearchRequest(search_phrase(quote.text), per_page=MAX_OFFERS, facets=False)
    try:
        result = index.search(request, store)
    except QueryError:
        return []  # words the search language cannot take as a phrase: unsourced
    offers = []
    for hit in result.hits:
        document = store.get(hit.id)
        span = find_in_text(quote.text, document.text)
        if span is None:
            continue
        words = document.text[span.start : span.end]
        sel = Selection(document.id, document.version, span.start, span.end, words)
        offers.append(Offer(sel, document))
    return offers
