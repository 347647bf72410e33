"""Readers: each format gives exact text and metadata; bad input gives a named failure."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from corpus.drafts import file_id, normalise_text
from corpus.limits import DecompressionBudget, IngestLimits
from corpus.model import DocumentDraft, PartialDate
from corpus.readers import ReadFailure, read_source

BAD_DIR = Path(__file__).parent / "data-bad"


def _read(path: Path, limits: IngestLimits | None = None) -> list[DocumentDraft | ReadFailure]:
    return list(read_source(path, limits))


def _one(path: Path) -> DocumentDraft:
    (draft,) = _read(path)
    assert isinstance(draft, DocumentDraft), draft
    return draft


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- text normalisation ------------------------------------------------------------------------


def test_normalise_text_makes_one_canonical_form() -> None:
    raw = (
        "\ufeff\n\nTitle  \r\nline two\t\rline three\n\n\n\n\nCafe\u0301 \x00\x07bell\u2028next\n\n"
    )
    assert normalise_text(raw) == "Title\nline two\nline three\n\nCafé bell\nnext"


def test_normalise_text_keeps_indentation_and_single_blank_lines() -> None:
    assert normalise_text("  indented\n\n    more\n") == "  indented\n\n    more"


def test_normalise_text_replaces_lone_surrogates() -> None:
    assert normalise_text("a\ud800b") == "a\ufffdb"


def test_normalise_text_is_idempotent() -> None:
    once = normalise_text("A  \r\n\r\n\r\n\r\nB\u00a0 \n")
    assert normalise_text(once) == once == "A\n\nB"


# -- plain text and Markdown -------------------------------------------------------------------


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
    )


def test_plain_text_takes_its_title_from_the_first_line_and_its_id_from_the_name(
    corpus_dir: Path,
) -> None:
    draft = _one(corpus_dir / "analyst-notes.txt")
    assert draft.id == "analyst-notes"
    assert draft.title == "Working notes on the Russia–DPRK railway project."
    assert draft.kind == "other"
    assert draft.date is None
    assert draft.text == (
        "Working notes on the Russia–DPRK railway project.\n\n"
        "The Khasan–Rajin line reopened in 2014. Freight volumes stayed small."
    )


def test_front_matter_accepts_block_lists_quotes_and_aliases(tmp_path: Path) -> None:
    path = _write(
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
    assert draft.date == PartialDate(dt.date(2019, 5, 1), "month")
    assert (draft.licence, draft.language, draft.tags) == ("CC0-1.0", "en", ("ports", "rail"))
    assert draft.text == "# Heading\n\nBody."


def test_markdown_title_defaults_to_the_first_heading_without_hashes(tmp_path: Path) -> None:
    draft = _one(_write(tmp_path, "n.md", "\n\n## Sanctions relief, step by step ##\n\nText."))
    assert draft.title == "Sanctions relief, step by step"


def test_a_long_first_line_is_cut_at_a_word_for_the_title(tmp_path: Path) -> None:
    line = "The delegation " + "discussed the railway and the port " * 5
    draft = _one(_write(tmp_path, "long.txt", line))
    assert draft.title == (
        "The delegation discussed the railway and the port discussed the railway and the port "
        "discussed the railway and the port…"
    )
    assert len(draft.title) <= 121


def test_unclosed_front_matter_is_read_as_text(tmp_path: Path) -> None:
    draft = _one(_write(tmp_path, "rule.md", "---\nJust a rule, then text.\n"))
    assert draft.text == "---\nJust a rule, then text."


def test_utf16_text_with_a_bom_is_read(tmp_path: Path) -> None:
    draft = _one(_write(tmp_path, "u16.txt", "Notes from Pyongyang\n".encode("utf-16")))
    assert draft.text == "Notes from Pyongyang"


def test_unknown_kind_becomes_other_and_is_kept_as_a_genre_tag(tmp_path: Path) -> None:
    draft = _one(_write(tmp_path, "i.md", "---\nkind: Interview\n---\nQ and A."))
    assert (draft.kind, draft.tags) == ("other", ("genre:interview",))


def test_default_ids_are_ascii_slugs_of_the_file_name() -> None:
    assert file_id(Path("Valdai Remarks (final).md")) == "valdai-remarks-final"
    assert file_id(Path("report.jsonl.gz")) == "report"
    assert file_id(Path("Déclaration_finale.txt")) == "declaration-finale"
    assert file_id(Path("доклад.txt")) == file_id(Path("доклад.txt"))
    assert file_id(Path("доклад.txt")).startswith("doc-")


# -- JSON Lines --------------------------------------------------------------------------------


def test_jsonl_lines_give_exact_drafts_named_by_line(corpus_dir: Path) -> None:
    drafts = _read(corpus_dir / "speeches.jsonl")
    assert [d.id for d in drafts if isinstance(d, DocumentDraft)] == [
        "fixture-eastern-forum-2019",
        "fixture-un-statement-2017",
        "fixture-news-pipeline-2018",
        "fixture-no-date",
    ]
    second = drafts[1]
    assert second == DocumentDraft(
        text=(
            "Mr. President, the United Nations must remain the centre of international law.\n\n"
            "Sanctions against the Democratic People's Republic of Korea cannot replace "
            "negotiations. We call on Washington and Pyongyang to restrain themselves.\n\n"
            "Russia supports the initiative of a freeze for freeze proposed together with China."
        ),
        id="fixture-un-statement-2017",
        kind="speech",
        title="Statement in the General Debate",
        date=PartialDate(dt.date(2017, 9, 1), "month"),
        speaker="Sergey Lavrov",
        source="Fixture UN Records",
        url="",
        language="en",
        tags=("country:Russia", "iso3:RUS"),
        licence="CC0-1.0",
        origin=f"{corpus_dir / 'speeches.jsonl'}:2",
    )
    last = drafts[3]
    assert isinstance(last, DocumentDraft)
    assert (last.date, last.url, last.speaker) == (None, "", "")


def test_bad_jsonl_lines_are_named_and_the_good_ones_read() -> None:
    path = BAD_DIR / "mixed.jsonl"
    results = _read(path)
    failures = [(r.origin, r.reason) for r in results if isinstance(r, ReadFailure)]
    assert failures == [
        (f"{path}:2", "not valid JSON (Invalid control character at, column 51)"),
        (f"{path}:3", "expected a JSON object, got list"),
        (f"{path}:5", 'no "text" field'),
        (
            f"{path}:6",
            'Date "2013-02-30" does not exist (day is out of range for month). Correct it or '
            "leave the date empty.",
        ),
        (
            f"{path}:9",
            'id "bad fixture spaces" must be 1-200 ASCII letters, digits, ".", "_", ":" or "-", '
            "starting with a letter or digit; change it",
        ),
        (
            f"{path}:10",
            'url "javascript:alert(1)" must start with http:// or https://; fix or drop it',
        ),
    ]
    drafts = [r for r in results if isinstance(r, DocumentDraft)]
    assert [(d.id, d.origin) for d in drafts] == [
        ("bad-fixture-good-1", f"{path}:1"),
        ("doc-27cecb1e4cbde9af", f"{path}:4"),
        ("bad-fixture-interview", f"{path}:8"),
    ]
    interview = drafts[2]
    assert interview.text == "Q: Will the railway reopen?\nA: Next year.\n\nThank you."
    assert (interview.kind, interview.speaker) == ("other", "Fixture Host")
    assert interview.tags == ("topic:ports", "genre:interview", "genre:radio")


def test_a_missing_id_is_stable_across_reads() -> None:
    first = [r.id for r in _read(BAD_DIR / "mixed.jsonl") if isinstance(r, DocumentDraft)]
    again = [r.id for r in _read(BAD_DIR / "mixed.jsonl") if isinstance(r, DocumentDraft)]
    assert first == again


def test_gzipped_jsonl_is_read_like_plain_jsonl(tmp_path: Path, corpus_dir: Path) -> None:
    raw = (corpus_dir / "speeches.jsonl").read_bytes()
    path = _write(tmp_path, "speeches.jsonl.gz", gzip.compress(raw))
    drafts = _read(path)
    plain = _read(corpus_dir / "speeches.jsonl")
    assert [d.text for d in drafts] == [d.text for d in plain]  # type: ignore[union-attr]
    assert drafts[0].origin == f"{path}:1"


def test_a_file_of_non_json_lines_is_given_up_after_twenty(tmp_path: Path) -> None:
    path = _write(tmp_path, "table.jsonl", "id,text\n" * 50)
    results = _read(path)
    assert len(results) == 21
    assert results[-1] == ReadFailure(str(path), "gave up: the first 20 lines are not JSONL")


def test_a_binary_file_named_jsonl_fails_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "blob.jsonl", b"\x00\x01\x02\n" * 10)
    assert _read(path) == [ReadFailure(str(path), "looks binary (NUL byte on line 1)")]


def test_jsonl_field_types_are_checked(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "t.jsonl",
        '{"text": "a", "title": ["x"]}\n{"text": "b", "tags": "a, b,, a", "date": 2019}\n'
        '{"text": "c", "tags": [{"k": 1}]}\n{"text": 5}\n{"text": "   "}\n',
    )
    results = _read(path)
    assert results[0] == ReadFailure(f"{path}:1", 'field "title" must be text, not list')
    assert isinstance(results[1], DocumentDraft)
    assert results[1].tags == ("a", "b")
    assert results[1].date == PartialDate(dt.date(2019, 1, 1), "year")
    assert results[2:] == [
        ReadFailure(f"{path}:3", '"tags" must be a list of strings'),
        ReadFailure(f"{path}:4", '"text" must be a string'),
        ReadFailure(f"{path}:5", '"text" is empty'),
    ]


# -- HTML --------------------------------------------------------------------------------------


def test_html_keeps_the_article_paragraphs_and_takes_meta(corpus_dir: Path) -> None:
    path = corpus_dir / "tass-report.html"
    assert _one(path) == DocumentDraft(
        text=(
            "Lavrov visits Pyongyang\n\n"
            "Foreign Minister Sergey Lavrov arrived in Pyongyang on Thursday for talks on the "
            "denuclearisation of the Korean Peninsula.\n\n"
            "He invited Kim Jong Un to visit Russia & said sanctions relief should come step by "
            "step."
        ),
        id="tass-report",
        kind="news",
        title="Lavrov visits Pyongyang",
        date=PartialDate(dt.date(2018, 5, 31), "day"),
        speaker="Fixture Wire Correspondent",
        source="Fixture Wire",
        language="en",
        origin=str(path),
    )


def test_html_drops_boilerplate_by_tag_class_id_and_role(tmp_path: Path) -> None:
    page = """<html lang="ru-RU"><head><title>Talks in Vladivostok - Fixture Daily</title>
    <meta property="og:site_name" content="Fixture Daily">
    <meta name="keywords" content="ports, energy">
    <link rel="canonical" href="https://example.org/talks">
    </head><body>
    <div id="cookie-consent">Accept cookies</div>
    <div class="page has-sidebar">
      <div class="menu-main">Home World</div>
      <h1>Talks in Vladivostok</h1>
      <p>First   paragraph,
         with <a href="#">a link</a> and<br>a line break.</p>
      <div>Direct text in a div.<p>Nested paragraph.</p></div>
      <pre>code  keeps
   its spacing</pre>
      <ul><li>One</li><li>Two</li></ul>
      <p hidden>Hidden text.</p><p style="display: none">Invisible.</p>
      <div role="complementary">Related stories</div>
      <section class="comments">Reader comment</section>
      <div class="social-share">Share this</div>
      <noscript>Enable JavaScript</noscript>
    </div>
    <footer>Copyright</footer>
    </body></html>"""
    draft = _one(_write(tmp_path, "talks.html", page))
    assert draft.text == (
        "Talks in Vladivostok\n\nFirst paragraph, with a link and\na line break.\n\n"
        "Direct text in a div.\n\nNested paragraph.\n\ncode  keeps\n   its spacing\n\nOne\n\nTwo"
    )
    assert (draft.title, draft.source, draft.url) == (
        "Talks in Vladivostok",
        "Fixture Daily",
        "https://example.org/talks",
    )
    assert (draft.language, draft.kind, draft.tags) == (
        "ru",
        "other",
        ("keywords:ports", "keywords:energy"),
    )


def test_html_prefers_the_largest_article_and_keeps_its_header(tmp_path: Path) -> None:
    page = """<body><header>Site header</header>
    <article><header><h1>Main story</h1><time datetime="2019-09-05">5 Sep</time></header>
    <p>The main story has the longest text of all the articles on this page.</p></article>
    <aside><article><p>Teaser.</p></article></aside></body>"""
    draft = _one(_write(tmp_path, "story.htm", page))
    assert draft.text == (
        "Main story\n\n5 Sep\n\n"
        "The main story has the longest text of all the articles on this page."
    )
    assert (draft.title, draft.date) == ("Main story", PartialDate(dt.date(2019, 9, 5), "day"))


def test_html_uses_main_when_there_is_no_article(tmp_path: Path) -> None:
    page = "<body><nav>Menu</nav><div role='main'><p>Only this.</p></div><p>Footer-ish</p></body>"
    assert _one(_write(tmp_path, "m.html", page)).text == "Only this."


def test_html_table_cells_are_separated(tmp_path: Path) -> None:
    page = "<table><tr><th>Port</th><th>Tonnes</th></tr><tr><td>Rajin</td><td>1,200</td></tr>"
    assert _one(_write(tmp_path, "t.html", page)).text == "Port | Tonnes\n\nRajin | 1,200"


def test_malformed_html_still_gives_its_text() -> None:
    draft = _one(BAD_DIR / "broken.html")
    assert draft.text == (
        "Delegations met at the port of Rajin to discuss freight tariffs.\n\n"
        "No agreement was reached\n\nCargo | Tonnes\n\nCoal | 1,200\n\nTalks resume next month"
    )
    assert (draft.id, draft.title) == ("broken", "Port talks")


def test_deeply_nested_html_is_read_without_recursion(tmp_path: Path) -> None:
    page = "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000
    assert _one(_write(tmp_path, "deep.html", page)).text == "Deep text."


def test_html_with_an_impossible_date_fails(tmp_path: Path) -> None:
    page = '<meta name="date" content="2013-02-30"><p>Text.</p>'
    path = _write(tmp_path, "d.html", page)
    assert _read(path) == [
        ReadFailure(
            str(path),
            'Date "2013-02-30" does not exist (day is out of range for month). Correct it or '
            "leave the date empty.",
        )
    ]


def test_html_skips_an_unreadable_date_form_for_the_next_candidate(tmp_path: Path) -> None:
    page = '<meta name="date" content="05/09/2019"><time datetime="2019-09-05">x</time><p>T.</p>'
    assert _one(_write(tmp_path, "d.html", page)).date == PartialDate(dt.date(2019, 9, 5), "day")


def test_html_with_only_scripts_fails_with_a_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.html", "<html><script>var x = 1;</script></html>")
    assert _read(path) == [ReadFailure(str(path), "no readable text in the page")]


# -- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary.txt", "looks binary (NUL byte at offset 5); Dossier reads text"),
        ("empty.md", "the file is empty"),
        (
            "windows-1252.txt",
            "not UTF-8 text (byte 0x92 at offset 8); convert it, e.g. iconv -f windows-1252 -t "
            "utf-8",
        ),
        (
            "impossible-date.md",
            'Date "2013-02-30" does not exist (day is out of range for month). Correct it or '
            "leave the date empty.",
        ),
        (
            "bad-front-matter.md",
            'front matter line 3 "this line is not a key value pair" is not "key: value"; fix it '
            "or remove the --- lines",
        ),
        (
            "scan.pdf",
            "unsupported file type; Dossier reads .htm, .html, .jsonl, .markdown, .md, .ndjson, "
            ".txt (or .gz)",
        ),
    ],
)
def test_a_bad_file_gives_one_failure_with_its_reason(name: str, reason: str) -> None:
    path = BAD_DIR / name
    assert _read(path) == [ReadFailure(str(path), reason)]


def test_a_file_over_the_document_limit_is_refused_unread(corpus_dir: Path) -> None:
    path = corpus_dir / "analyst-notes.txt"
    assert _read(path, IngestLimits(max_document_bytes=50)) == [
        ReadFailure(
            str(path),
            "one document may be at most 50 bytes (max_document_bytes) and this file is 125 "
            "bytes. Split it or raise the limit.",
        )
    ]


def test_a_jsonl_line_over_the_limit_is_skipped_and_the_next_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "l.jsonl", '{"text": "' + "x" * 300 + '"}\n{"text": "short"}\n')
    results = _read(path, IngestLimits(max_document_bytes=100))
    assert results[0] == ReadFailure(
        f"{path}:1",
        "line is longer than 100 bytes (max_document_bytes); split the document or raise the limit",
    )
    assert isinstance(results[1], DocumentDraft) and results[1].text == "short"


def test_a_gzip_bomb_stops_at_the_decompressed_file_limit(tmp_path: Path) -> None:
    line = b'{"text": "' + b"a" * 1000 + b'"}\n'
    path = _write(tmp_path, "bomb.jsonl.gz", gzip.compress(line * 10_000))  # 10 MB -> ~30 KB
    results = _read(path, IngestLimits(max_decompressed_file_bytes=100_000))
    drafts = [r for r in results if isinstance(r, DocumentDraft)]
    assert 0 < len(drafts) < 100_000 // len(line)  # read-ahead may stop a little early
    assert results[-1] == ReadFailure(
        str(path),
        "decompresses to more than 100,000 bytes (max_decompressed_file_bytes); it may be a gzip "
        f"bomb. Check the file or raise the limit. (stopped after line {len(drafts)})",
    )
    assert len(results) == len(drafts) + 1


def test_the_run_budget_bounds_all_compressed_files_together(tmp_path: Path) -> None:
    text = gzip.compress(b"Compressed notes on the port.\n" * 100)  # 3,000 bytes inflated
    budget = DecompressionBudget(5_000)
    first = list(read_source(_write(tmp_path, "a.txt.gz", text), None, budget))
    second_path = _write(tmp_path, "b.txt.gz", text)
    second = list(read_source(second_path, None, budget))
    assert isinstance(first[0], DocumentDraft)
    assert second == [
        ReadFailure(
            str(second_path),
            "stopped after 5,000 bytes of decompressed data in this ingest "
            "(max_decompressed_total_bytes). Ingest compressed files in smaller runs or raise "
            "the limit.",
        )
    ]


def test_a_damaged_gzip_file_fails_with_a_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.jsonl.gz", b"this is not gzip data")
    (failure,) = _read(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason.startswith("the gzip data is damaged (Not a gzipped file")
