"""Which host names this app answers to, which sites may change things, where a form may return.

Until there are logins, anyone who can reach the server can change the registry; the CSRF token
(``webapp/csrf.py``) keeps other sites' pages from doing it through a visitor's browser. Three
more checks close the gaps around it:

- The ``Host`` header must be one of ``ALLOWED_HOSTS`` (default: the localhost names and the
  address the server binds to). Otherwise a page on another site can rebind its own name to
  127.0.0.1, read a token from a page it loaded, and post with it.
- A request that may change something is refused (403) when its ``Origin``, or failing that its
  ``Referer``, names another site. Scripts that send neither still need the token.
- ``next`` (where a form returns) is followed only when it is a path on this site, normalised:
  ``/%09/evil.example`` would otherwise become ``//evil.example`` in the browser.

The session cookie is ``SameSite=Lax``, and ``Secure`` whenever the request came over TLS.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest, Forbidden

from webapp.csrf import SAFE_METHODS

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_WILDCARD_BINDS = ("", "0.0.0.0", "::")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


class HostNotAllowed(BadRequest):
    """The request names a host this server does not answer to."""


class CrossSiteWrite(Forbidden):
    """A request that changes something came from another site's page."""


def allowed_hosts(configured: Any, bind: str) -> tuple[str, ...]:
    """The host names ``ALLOWED_HOSTS`` gives (a list, or one comma-separated string), or by
    default the localhost names and ``bind`` (unless it binds every address). ``.example.org``
    allows every subdomain; ``*`` allows any host."""
    if configured is None:
        names: Iterable[Any] = (*LOCAL_HOSTS, "" if bind in _WILDCARD_BINDS else bind)
    elif isinstance(configured, str):
        names = configured.split(",")
    else:
        names = configured
    return tuple(dict.fromkeys(_host_name(str(n)) for n in names if str(n).strip()))


def is_allowed(host: str, allowed: Iterable[str]) -> bool:
    """True when ``host`` (a ``Host`` header, port allowed) is one of ``allowed``."""
    name = _host_name(host)
    return any(
        a == "*" or name == a or (a.startswith(".") and (name.endswith(a) or name == a[1:]))
        for a in allowed
    )


def same_site_path(target: str) -> str | None:
    """``target`` as a normalised path on this site (query and fragment kept), or None when it
    is anything else: another site, a scheme, a backslash or control character, no leading /."""
    if not target.startswith("/") or _CONTROL.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = "/" + posixpath.normpath(parts.path).lstrip("/")
    if parts.path.endswith("/") and path != "/":
        path += "/"
    return urlunsplit(("", "", quote(path, safe=_PATH_SAFE), parts.query, parts.fragment))


def check_host() -> None:
    """Refuse a request whose ``Host`` is not in ``ALLOWED_HOSTS`` (400, naming the fix)."""
    allowed = current_app.config["ALLOWED_HOSTS"]
    if not is_allowed(request.host, allowed):
        raise HostNotAllowed(
            f'This server does not answer to the host name "{_host_name(request.host)[:100]}". '
            f"Open it as {' or '.join(a for a in allowed[:3])}, or add the name to "
            "ALLOWED_HOSTS."
        )


def check_origin() -> None:
    """Refuse (403) a request that may change something when its ``Origin`` or ``Referer``
    names another site than the one it was sent to."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin is None:
        return
    sent_from = urlsplit(origin).netloc if origin != "null" else "null"
    if sent_from.lower() != request.host.lower():
        raise CrossSiteWrite(
            "This change came from a page on another site, so it was refused. Make it from "
            "Dossier's own pages."
        )


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie ``Secure`` when the request came over
    TLS (directly, or through a proxy the server trusts to say so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def _host_name(host: str) -> str:
    """The name part of a ``Host`` value, lower case: ``[::1]:5000`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else host


def init_app(app: Flask) -> None:
    """Check the host of every request and the origin of every write; set cookie policy."""
    app.config["ALLOWED_HOSTS"] = allowed_hosts(app.config["ALLOWED_HOSTS"], app.config["HOST"])
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = SessionCookies()
    app.before_request(check_host)
    app.before_request(check_origin)
