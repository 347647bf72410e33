"""Cross-site request forgery protection: one secret token per session, checked on every write.

Every request that may change something (any method but GET, HEAD, OPTIONS, TRACE) must send the
session's token, either as the ``csrf_token`` form field or in the ``X-CSRF-Token`` header.
Templates get it from ``csrf_token()``: ``<input type="hidden" name="csrf_token"
value="{{ csrf_token() }}">``.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SESSION_KEY = "csrf_token"


class CsrfFailure(BadRequest):
    """A write request came without this session's token (an old page, or another site)."""

    description = (
        "This form has expired or did not come from this site. Reload the page and try again."
    )


def csrf_token() -> str:
    """This session's token, created on first use."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Raise ``CsrfFailure`` unless a write request carries this session's token."""
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return  # unknown routes and wrong methods get their own 404/405
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(HEADER) or request.form.get(FIELD) or ""
    # Bytes: compare_digest refuses str with characters outside ASCII (a 500, not a 400).
    if not isinstance(expected, str) or not hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"), expected.encode("utf-8")
    ):
        raise CsrfFailure()


def init_app(app: Flask) -> None:
    """Check every request and offer ``csrf_token()`` to templates."""
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
