"""What the JSON API tests share: the fixture document, its quote, the CSRF header a page's
script sends, and a selection payload as the reading view posts it (the ``api`` fixture in
``conftest.py`` puts these together)."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

DOC = "fixture-eastern-forum-2019"
QUOTE = "a zone of peace in the Far East"


def with_csrf(client: Any) -> Any:
    """``client`` sending this session's CSRF token, read from a page as a script would
    (also kept as ``client.token`` for form posts)."""
    page = BeautifulSoup(client.get("/").data, "html.parser")
    token = page.select_one("meta[name=csrf-token]")["content"]  # type: ignore[index]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token
    client.token = token
    return client


def selection(text: str, quote: str = QUOTE, document_id: str = DOC) -> dict[str, Any]:
    """The selection of ``quote`` (its first occurrence in ``text``) in version 1."""
    start = text.index(quote)
    return {
        "document_id": document_id,
        "version": 1,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
    }
