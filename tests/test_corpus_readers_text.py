"""Plain text and Markdown: front matter gives the metadata, the body gives the exact text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from source_files import write_source

from corpus.drafts import file_id
from corpus.model import DocumentDraft, PartialDate
from corpus.readers import read_source


def _one(path: Path) -> DocumentDraft:
    (draft,) = read_source(path)
    assert isinstance(draft, DocumentDraft), draft
    return draft


def test_markdown_front_matter_gives_the_metadata(corpus_dir: Path) -> None:
    draft = _one(corpus_dir / "valdai-remarks.md")
    assert draft == DocumentDraft(
        text=(
            "The turn towards Asia is not a fashion; it is a long-term choice.\n\n"
            "Japan, China and both Koreas are our neighbours, and trade with the Asia-Pacific "
            "region grew every year."
        ),
        id="fixture-valdai-2017",
        kind="forum",
        title="Remarks at the Valdai Discussion Club",
        date=PartialDate(dt.date(2017, 10, 19), "day"),
        speaker="Vladimir Putin",
        source="Fixture Forum Transcripts",
        tags=("keywords:Asia", "countries:Japan"),
        origin=str(corpus_dir / "valdai-remarks.md"),
        id_from="given",
    )


def test_plain_text_takes_its_title_from_the_first_line_and_its_id_from_the_name(
    corpus_dir: Path,
) -> None:
    draft = _one(corpus_dir / "analyst-notes.txt")
    assert draft.id == "analyst-notes"
    assert draft.title == "Working notes on the Russia–DPRK railway project."
    assert draft.is_title_derived
    assert draft.kind == "other"
    assert draft.date is None
    assert draft.text == (
        "Working notes on the Russia–DPRK railway project.\n\n"
        "The Khasan–Rajin line reopened in 2014. Freight volumes stayed small."
    )


def test_front_matter_accepts_block_lists_quotes_and_aliases(tmp_path: Path) -> None:
    path = write_source(
        tmp_path,
        "Brief Nº 7 (final).md",
        "\ufeff---\n# a comment\ntitle: 'Port of Rajin: a brief'\nauthor: Fixture Analyst\n"
        "kind: News\ndate: May 2019\nlicense: CC0-1.0\nlang: en-GB\nlayout: post\n"
        'tags:\n  - ports\n  - "rail"\n---\n\n# Heading\n\nBody.\n',
    )
    draft = _one(path)
    assert (draft.id, draft.title, draft.speaker, draft.kind) == (
        "brief-no-7-final",
        "Port of Rajin: a brief",
        "Fixture Analyst",
        "news",
    )
    assert not draft.is_title_derived
    assert draft.date == PartialDate(dt.date(2019, 5, 1), "month")
    assert (draft.licence, draft.language, draft.tags) == ("CC0-1.0", "en", ("ports", "rail"))
    assert draft.text == "# Heading\n\nBody."


def test_markdown_title_defaults_to_the_first_heading_without_hashes(tmp_path: Path) -> None:
    draft = _one(
        write_source(tmp_path, "n.md", "\n\n## Sanctions relief, step by step ##\n\nText.")
    )
    assert draft.title == "Sanctions relief, step by step"


def test_a_long_first_line_is_cut_at_a_word_for_the_title(tmp_path: Path) -> None:
    line = "The delegation " + "discussed the railway and the port " * 5
    draft = _one(write_source(tmp_path, "long.txt", line))
    assert draft.title == (
        "The delegation discussed the railway and the port discussed the railway and the port "
        "discussed the railway and the port…"
    )
    assert len(draft.title) <= 121


def test_unclosed_front_matter_is_read_as_text(tmp_path: Path) -> None:
    draft = _one(write_source(tmp_path, "rule.md", "---\nJust a rule, then text.\n"))
    assert draft.text == "---\nJust a rule, then text."


def test_utf16_text_with_a_bom_is_read(tmp_path: Path) -> None:
    draft = _one(write_source(tmp_path, "u16.txt", "Notes from Pyongyang\n".encode("utf-16")))
    assert draft.text == "Notes from Pyongyang"


def test_unknown_kind_becomes_other_and_is_kept_as_a_genre_tag(tmp_path: Path) -> None:
    draft = _one(write_source(tmp_path, "i.md", "---\nkind: Interview\n---\nQ and A."))
    assert (draft.kind, draft.tags) == ("other", ("genre:interview",))


def test_default_ids_are_ascii_slugs_of_the_file_name() -> None:
    assert file_id(Path("Valdai Remarks (final).md")) == "valdai-remarks-final"
    assert file_id(Path("report.jsonl.gz")) == "report"
    assert file_id(Path("Déclaration_finale.txt")) == "declaration-finale"
    assert file_id(Path("доклад.txt")) == file_id(Path("доклад.txt"))
    assert file_id(Path("доклад.txt")).startswith("doc-")
