"""Links built by ``webapp.urls.with_query`` are the links ``url_for`` builds: same order,
same encoding, same handling of lists, None and empty values."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from webapp.urls import with_query

VALUES: list[dict[str, Any]] = [
    {},
    {"q": "peace"},
    {"q": 'the "united nations" & co', "kind": ["speech", "news"], "page": None},
    {"q": "Ürümqi café ½ / ? : @ ! $ ' ( ) * , ; = + # %", "from": "1990", "to": "1990"},
    {"entity": [], "speaker": ["A B", None, "C&D"], "version": 3, "at": 0},
    {"q": "peace", "sort": "-date", "per_page": ["5"], "tag": ("x y", "z")},
    {"said": ["person:ban_ki-moon"], "in": "annotations", "q": "a+b c~1 d*"},
]


@pytest.mark.parametrize("values", VALUES)
def test_with_query_builds_what_url_for_builds(values: dict[str, Any]) -> None:
    app = Flask(__name__)
    app.add_url_rule("/", "search", lambda: "")
    app.add_url_rule("/documents/<id>", "document", lambda id: "")
    with app.test_request_context("/"):
        assert with_query(url_for("search"), values) == url_for("search", **values)
        path = url_for("document", id="un/1990 ü")
        assert with_query(path, values) == url_for("document", id="un/1990 ü", **values)
