"""Stop words: the commonest English function words, left out of bare-word matching and ranking.

The index keeps every word, so exact phrases ("axis of evil", "to be or not to be") match and
are highlighted whole. But a bare "of" in ``axis of evil`` matches nearly every document, and
with an idf that never reaches zero it favours long documents and marks every "of" in a text
as a hit (issue 12, issue 13). So a bare word from this list is left out of the query, unless
every bare word of the query is one (``to be or not to be`` still searches its words), or it is
written in capitals (``IS``, ``IT``: read as an acronym), or it sits under ``NOT``.

The list is deliberately short: function words only (Lucene's classic English set, with the
forms of "be" and "have" and the personal pronouns). "us", "who", "may" and "will" are not in
it: an analyst may mean the US, the WHO, the month or the noun.
"""

from __future__ import annotations

from indexer.search.query import DateFilter, Filter, Node, Word, positive_leaves

__all__ = ["STOP_WORDS", "is_stop_word", "keeps_stop_words"]

STOP_WORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it
    its not of on or our she so such than that the their them then there these they this those
    to was we were which with would you your""".split()
)


def is_stop_word(word: Word) -> bool:
    """A bare word on the list, not written in capitals."""
    if word.field is not None or (len(word.text) > 1 and word.text.isupper()):
        return False
    return word.text.lower() in STOP_WORDS


def keeps_stop_words(root: Node | None) -> bool:
    """True when the query's positive leaves are all bare stop words (then they are searched
    as any word is); filters do not count."""
    leaves = [leaf for leaf in positive_leaves(root) if not isinstance(leaf, Filter | DateFilter)]
    return bool(leaves) and all(isinstance(leaf, Word) and is_stop_word(leaf) for leaf in leaves)
