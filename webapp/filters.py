"""Jinja filters that present document fields: dates at their precision, web links, counts.

Every filter returns plain text (never ``Markup``), so autoescaping still applies to it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from corpus import PartialDate

WEB_SCHEMES = frozenset({"http", "https"})


def partial_date(date: PartialDate | None) -> str:
    """``5 September 2019``, ``September 2017`` or ``2017``: no more precise than known."""
    if date is None:
        return ""
    if date.precision == "year":
        return str(date.value.year)
    if date.precision == "month":
        return f"{date.value:%B} {date.value.year}"
    return f"{date.value.day} {date.value:%B} {date.value.year}"


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL: only those become links (no javascript: or data:)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def thousands(number: int) -> str:
    """``12,345``."""
    return f"{number:,}"


def init_app(app: Flask) -> None:
    """Make the filters available to every template."""
    app.add_template_filter(partial_date)
    app.add_template_filter(thousands)
    app.add_template_test(is_web_url, "web_url")
