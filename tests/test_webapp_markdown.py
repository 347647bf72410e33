"""Templates show analysts' Markdown through ``markdown()``: formatted, and nothing runs."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask import render_template_string


def test_a_template_shows_a_note_formatted_and_sanitized(app: Any) -> None:
    note = "**Key** line <script>alert(1)</script> [x](javascript:alert(1))"
    with app.test_request_context("/"):
        html = render_template_string("<div>{{ markdown(note) }}</div>", note=note)

    soup = BeautifulSoup(html, "html.parser")
    assert [s.text for s in soup.find_all("strong")] == ["Key"]
    assert soup.find_all(["script", "a"]) == []
    assert "<script>alert(1)</script>" in soup.text
