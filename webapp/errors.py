"""HTTP error handlers: package errors become 404/400/503/500, as HTML pages or, under /api/, JSON.

JSON errors always have the same shape, ``{"error": str, "status": int}``. Unexpected errors show
a short apology; the full traceback goes to the log.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException

from corpus.errors import CorpusError, DocumentNotFound, InvalidAnchor
from indexer.errors import IndexBusy, IndexerError, IndexMissing, QueryError

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. The error has been logged."
TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    500: "Server error",
    503: "Search is unavailable",
}


class InvalidParameter(BadRequest):
    """A query-string parameter has a value that cannot be used (the message quotes it)."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def status_for(error: Exception) -> int:
    """The HTTP status a package error stands for; 500 for anything unexpected."""
    if isinstance(error, DocumentNotFound):
        return 404
    if isinstance(error, QueryError | InvalidAnchor):
        return 400
    if isinstance(error, IndexMissing | IndexBusy):
        return 503
    return 500


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
    """Register the handlers: package errors, HTTP errors, then anything else."""
    app.register_error_handler(CorpusError, _handle_package_error)
    app.register_error_handler(IndexerError, _handle_package_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
