"""Links with a query string, the same as ``url_for`` makes them, without routing each one.

A results page links every facet value, every hit and every snippet: about 90 links, each a
``url_for`` that walks Werkzeug's routing map and encodes its parameters (about a fifth of
the page's CPU time outside the search itself, bench/bench_serve.py). The path of an endpoint
does not change within a page, so a view routes it once and adds each link's parameters
here, encoded exactly as Werkzeug encodes them (``tests/test_webapp_urls.py`` compares the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

# The characters Werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode:
# https://url.spec.whatwg.org/#percent-encoded-bytes).
SAFE = "!$'()*,/:;?@"


def with_query(path: str, values: Mapping[str, Any]) -> str:
    """``path`` with ``values`` as its query string, in their order: a list or tuple value
    repeats its name once per item, None (alone or in a list) leaves the name out, and no
    values at all leave no ``?`` (as ``url_for(endpoint, **values)`` does)."""
    items: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, list | tuple | set):
            items.extend((name, v) for v in value if v is not None)
        elif value is not None:
            items.append((name, value))
    params = urlencode(items, safe=SAFE)
    return f"{path}?{params}" if params else path
