"""The registry's word-trie matcher: exact spans, normalisation, titles, overlaps, scale."""

from __future__ import annotations

import random

from corpus.entities.model import Entity, alias_key
from corpus.model import Span
from indexer.entities.alias_matcher import AliasMatch, AliasMatcher

REGISTRY = [
    Entity("putin", "Vladimir Putin", "PERSON", ("Putin",)),
    Entity("kim", "Kim Jong-un", "PERSON"),
    Entity("nk", "North Korea", "LOCATION", ("DPRK",)),
    Entity("us", "United States", "LOCATION", ("U.S.", "US")),
    Entity("xi", "Xi Jinping", "PERSON"),
    Entity("turkey", "Turkey", "LOCATION"),
    Entity("nato", "NATO", "ORGANIZATION"),
    Entity("lukashenko", "Alexander Lukashenko", "PERSON", ("Łukashenko",)),
]


def found(matcher: AliasMatcher, text: str) -> list[tuple[str, str, float]]:
    return [
        (text[m.span.start : m.span.end], m.entity_id, m.confidence) for m in matcher.find(text)
    ]


def test_forms_match_whatever_their_case_hyphens_dots_and_diacritics() -> None:
    matcher = AliasMatcher(REGISTRY)
    text = "KIM JONG UN and Lukashenko met in the D.P.R.K.; U.S. and Nato officials watched."
    assert matcher.find(text) == [
        AliasMatch(Span(0, 11), "kim", "PERSON", 1.0),
        AliasMatch(Span(16, 26), "lukashenko", "PERSON", 1.0),
        AliasMatch(Span(38, 46), "nk", "LOCATION", 1.0),
        AliasMatch(Span(48, 52), "us", "LOCATION", 1.0),
        AliasMatch(Span(57, 61), "nato", "ORGANIZATION", 1.0),
    ]


def test_a_title_before_a_person_belongs_to_the_mention() -> None:
    text = "Mr. Putin spoke. Later Prime Minister Putin left, and the president Putin stayed."
    assert found(AliasMatcher(REGISTRY), text) == [
        ("Mr. Putin", "putin", 1.0),
        ("Prime Minister Putin", "putin", 1.0),
        ("Putin", "putin", 1.0),
    ]


def test_a_title_before_one_persons_first_or_last_name_matches_that_person() -> None:
    matcher = AliasMatcher(REGISTRY)
    text = "President Xi met Mr. Jinping's aide. Xi left."
    assert found(matcher, text) == [("President Xi", "xi", 0.8), ("Mr. Jinping", "xi", 0.8)]
    two_kims = AliasMatcher([*REGISTRY, Entity("kim2", "Kim Yo-jong", "PERSON")])
    assert found(two_kims, "Mr. Kim arrived.") == []


def test_common_words_need_the_capitals_of_their_alias() -> None:
    matcher = AliasMatcher(REGISTRY)
    text = "Let us eat turkey in Turkey, said the US envoy; Us too."
    assert found(matcher, text) == [("Turkey", "turkey", 1.0), ("US", "us", 1.0)]


def test_the_longest_match_wins_and_ties_go_to_the_first() -> None:
    registry = [
        Entity("ny", "New York", "LOCATION"),
        Entity("nyt", "New York Times", "ORGANIZATION"),
        Entity("ts", "Times Square", "LOCATION"),
        Entity("ab", "Alpha Beta", "ORGANIZATION"),
        Entity("bc", "Beta Gamma", "ORGANIZATION"),
    ]
    text = "The New York Times Square office. Alpha Beta Gamma. Times Square in New York."
    assert found(AliasMatcher(registry), text) == [
        ("New York Times", "nyt", 1.0),
        ("Alpha Beta", "ab", 1.0),
        ("Times Square", "ts", 1.0),
        ("New York", "ny", 1.0),
    ]


def test_names_never_run_across_punctuation_or_sentences() -> None:
    matcher = AliasMatcher(REGISTRY)
    assert found(matcher, "Kim, Jong-un said. North. Korea is far.") == []
    assert found(matcher, "He met Kim Jong-un.") == [("Kim Jong-un", "kim", 1.0)]


def test_a_form_shared_by_two_entities_goes_to_the_one_it_names() -> None:
    registry = [
        Entity("ga-us", "Georgia (US state)", "LOCATION", ("Georgia",)),
        Entity("ga", "Georgia", "LOCATION"),
    ]
    assert found(AliasMatcher(registry), "Georgia voted.") == [("Georgia", "ga", 0.9)]


def test_lookup_links_a_mention_to_the_entity_it_names() -> None:
    matcher = AliasMatcher(REGISTRY)
    assert matcher.lookup("President Vladimir Putin", "PERSON") == "putin"
    assert matcher.lookup("Mr. Putin", "PERSON") == "putin"
    assert matcher.lookup("Mr. Jinping", "PERSON") == "xi"
    assert matcher.lookup("north-korea", "LOCATION") == "nk"
    assert matcher.lookup("Putin", "LOCATION") is None


def test_an_empty_registry_or_text_finds_nothing() -> None:
    assert AliasMatcher([]).find("Putin met Kim Jong-un.") == []
    assert AliasMatcher(REGISTRY).find("") == []
    assert (
        len(AliasMatcher([])) == 0 and len(AliasMatcher(REGISTRY)) == 12
    )  # U.S. and US are one form


def test_ten_thousand_aliases_find_exactly_the_names_in_a_text() -> None:
    rng = random.Random(7)
    syllables = ["ka", "lo", "mir", "ta", "vo", "zen", "ri", "pa", "dun", "sel", "bor", "nik"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(3)).capitalize()

    registry: list[Entity] = []
    seen: set[str] = set()
    while len(registry) < 5000:
        name, alias = f"{word()} {word()}", f"{word()} {word()} {word()}"
        if {alias_key(name), alias_key(alias)} & seen or alias_key(name) == alias_key(alias):
            continue
        seen.update((alias_key(name), alias_key(alias)))
        type = ("PERSON", "ORGANIZATION", "LOCATION")[len(registry) % 3]
        registry.append(Entity(f"e{len(registry)}", name, type, (alias,)))
    matcher = AliasMatcher(registry)
    assert len(matcher) == 10_000
    chosen = [rng.choice(registry) for _ in range(300)]
    parts, expected, offset = [], [], 0
    for n, entity in enumerate(chosen):
        form = entity.forms()[n % 2].upper() if n % 5 == 0 else entity.forms()[n % 2]
        parts.append(f"Then {form} spoke")
        start = offset + len("Then ")
        expected.append((form, entity.id))
        offset += len(parts[-1]) + len("; ")
        assert start + len(form) <= offset
    text = "; ".join(parts) + "."
    assert [(t, e) for t, e, _ in found(matcher, text)] == expected
