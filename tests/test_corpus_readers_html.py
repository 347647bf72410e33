"""HTML: the visible article text, without boilerplate, and the metadata of the page's head."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from corpus.model import DocumentDraft, PartialDate
from corpus.readers import ReadFailure, read_source

BAD_DIR = Path(__file__).parent / "data-bad"


def _read(path: Path) -> list[DocumentDraft | ReadFailure]:
    return list(read_source(path))


def _one(path: Path) -> DocumentDraft:
    (draft,) = _read(path)
    assert isinstance(draft, DocumentDraft), draft
    return draft


def _write(tmp_path: Path, name: str, page: str) -> Path:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    return path


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
        id_from="file",
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
