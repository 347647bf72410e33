"""HTTP error handlers: package errors answer with the status they declare, as HTML pages or,
under /api/, JSON.

Each package's errors carry their HTTP status in one class attribute, ``status`` (404 not
found, 400 bad input, 409 conflict, 503 unavailable; 500 for the bases), as datasette's errors
do; this module reads only that attribute, so a new error class needs no change here, and a
new package only adds its base to ``PACKAGE_ERRORS``. JSON errors always have the same shape,
``{"error": str, "status": int}``. A 500 shows a short apology; the full traceback goes to the
log.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestURITooLarge

from annotations import AnnotationError
from corpus import CorpusError
from indexer import IndexerError
from webapp.params import InvalidParameter

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. The error has been logged."
TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Changed meanwhile",
    414: "Address too long",
    428: "Revision required",
    500: "Server error",
    503: "Unavailable",
}
PACKAGE_ERRORS: tuple[type[Exception], ...] = (CorpusError, IndexerError, AnnotationError)


# Longest address (path and query string, in bytes) the app answers; gunicorn refuses request
# lines over 4,094 bytes with its own HTML page, so this stays below it (README: run gunicorn
# with --limit-request-line 8190 and every address up to 8 KB gets Dossier's own answer).
MAX_URL_BYTES = 4_000


class UrlTooLong(RequestURITooLarge):
    """The address is longer than ``MAX_URL_BYTES``."""


def check_url_length() -> None:
    """Refuse (414) an address over ``MAX_URL_BYTES``, as a page or, under /api/, as JSON."""
    size = len(request.full_path.encode("utf-8", "surrogateescape"))
    if size > MAX_URL_BYTES:
        raise UrlTooLong(
            f"The address is {size:,} bytes long; Dossier answers addresses of up to "
            f"{MAX_URL_BYTES:,} bytes. Shorten the query or use fewer filters."
        )


def status_for(error: Exception) -> int:
    """The HTTP status an error declares (``status``); 500 for one that declares none."""
    status = getattr(error, "status", 500)
    return status if isinstance(status, int) and 400 <= status <= 599 else 500


def error_response(message: str, status: int) -> tuple[Response | str, int]:
    """An error page, or the JSON error shape for /api/ requests."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    title = TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _handle_package_error(error: Exception) -> tuple[Response | str, int]:
    status = status_for(error)
    if status == 500:
        return _handle_unexpected(error)
    log.info("%s %s -> %d: %s", request.method, request.path, status, error)
    return error_response(str(error), status)


def _handle_http(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    return error_response(error.description or TITLES.get(status, "Error"), status)


def _handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    log.error("%s %s failed", request.method, request.path, exc_info=error)
    return error_response(APOLOGY, 500)


def init_app(app: Flask) -> None:
    """Register the handlers (package errors, HTTP errors, then anything else) and the check
    of every address's length, which runs before anything else reads the request."""
    for base in PACKAGE_ERRORS:
        app.register_error_handler(base, _handle_package_error)
    app.register_error_handler(InvalidParameter, _handle_package_error)  # a 400, the web's own
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
    app.before_request(check_url_length)
