"""Links with a query string, the same as ``url_for`` makes them, without routing each one.

A results page links every facet value, every hit and every snippet: about 90 links, each a
``url_for`` that walks Werkzeug's routing map and encodes its parameters (about a fifth of
the page's CPU time outside the search itself, bench/bench_serve.py). The path of an endpoint
does not change within a page, so a view routes it once and adds each link's parameters
here, encoded exactly as Werkzeug encodes them (``tests/test_webapp_urls.py`` compares the two).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

# The characters Werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode:
# https://url.spec.whatwg.org/#percent-encoded-bytes).
SAFE = "!$'()*,/:;?@"


def with_query(path: str, values: Mapping[str, Any]) -> str:
    """``path`` with ``values`` as its query string, in their order: a list or tuple value
    repeats its name once per item, None (alone or in a list) leaves the name out, and no
    values at all leave no ``?`` (as ``url_for(endpoint, **values)`` does)."""
    pairs: list[str] = []
    for name, value in values.items():
        if isinstance(value, list | tuple | set):
            pairs.extend(_pair(name, str(v)) for v in value if v is not None)
        elif value is not None:
            pairs.append(_pair(name, str(value)))
    return f"{path}?{'&'.join(pairs)}" if pairs else path


@functools.lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    """``name=value`` encoded as ``urllib.parse.urlencode`` does with Werkzeug's safe
    characters; kept, since a page's ~150 links repeat the same few (the query, filters)."""
    return f"{quote_plus(name, safe=SAFE)}={quote_plus(value, safe=SAFE)}"
