"""Safe writes: the hosts the app answers to, the sites that may change things, where a form
returns, the CSRF token compared as bytes, and the session cookie's flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Blueprint, Flask

from webapp.csrf import csrf_token
from webapp.origins import allowed_hosts, is_allowed, same_site_path


def _routes() -> Blueprint:
    bp = Blueprint("origin_test_routes", __name__)

    @bp.get("/test/token")
    def token() -> str:
        return csrf_token()

    @bp.post("/test/write")
    @bp.post("/api/test/write")
    def write() -> str:
        return "written"

    return bp


@pytest.fixture
def test_app(make_app: Callable[..., Any]) -> Flask:
    app: Flask = make_app()
    app.register_blueprint(_routes())
    return app


def _message(response: Any) -> str:
    found = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        ".error-message"
    )
    assert found is not None
    return found.get_text(strip=True)


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/documents/tass-report?q=kim#hit-2", "/documents/tass-report?q=kim#hit-2"),
        ("/entities/../documents//x/./y", "/documents/x/y"),
        ("/entities/", "/entities/"),
        ("/documents/caf\u00e9", "/documents/caf%C3%A9"),
        ("/\t/evil.example", None),
        ("/\r\nX: 1", None),
        ("//evil.example/x", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("entities", None),
        ("", None),
    ],
)
def test_next_is_followed_only_as_a_normalised_path_on_this_site(
    target: str, path: str | None
) -> None:
    assert same_site_path(target) == path


def test_the_allowed_hosts_default_to_localhost_and_the_bind_address() -> None:
    assert allowed_hosts(None, "127.0.0.1") == ("localhost", "127.0.0.1", "::1")
    assert allowed_hosts(None, "10.0.0.5") == ("localhost", "127.0.0.1", "::1", "10.0.0.5")
    assert allowed_hosts(None, "0.0.0.0") == ("localhost", "127.0.0.1", "::1")
    assert allowed_hosts("a.example, .b.example", "x") == ("a.example", ".b.example")
    allowed = ("localhost", "::1", ".b.example")
    assert [is_allowed(h, allowed) for h in ("LOCALHOST:5000", "[::1]:80", "x.b.example")] == [
        True,
        True,
        True,
    ]
    assert [is_allowed(h, allowed) for h in ("evil.example", "localhost.evil", "bb.example")] == [
        False,
        False,
        False,
    ]


def test_a_request_for_another_host_name_is_refused(test_app: Flask) -> None:
    client = test_app.test_client()
    response = client.get("/", headers={"Host": "rebound.evil.example"})
    assert response.status_code == 400
    assert _message(response) == (
        'This server does not answer to the host name "rebound.evil.example". Open it as '
        "localhost or 127.0.0.1 or ::1, or add the name to ALLOWED_HOSTS."
    )
    api = client.get("/api/search?q=talks", headers={"Host": "rebound.evil.example:5000"})
    assert (api.status_code, sorted(api.get_json())) == (400, ["error", "status"])
    assert client.get("/", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_a_configured_host_name_is_answered(make_app: Callable[..., Any]) -> None:
    client = make_app(ALLOWED_HOSTS=["dossier.example.org"]).test_client()
    assert client.get("/", headers={"Host": "dossier.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_a_write_from_another_site_is_refused_even_with_the_token(test_app: Flask) -> None:
    client = test_app.test_client()
    token = client.get("/test/token").get_data(as_text=True)
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
        {"Origin": "http://localhost:8080"},
    ):
        response = client.post("/test/write", data={"csrf_token": token}, headers=headers)
        assert response.status_code == 403, headers
        assert _message(response) == (
            "This change came from a page on another site, so it was refused. Make it from "
            "Dossier's own pages."
        )
    api = client.post("/api/test/write", headers={"X-CSRF-Token": token, "Origin": "null"})
    assert api.get_json() == {"error": api.get_json()["error"], "status": 403}
    for headers in ({"Origin": "http://localhost"}, {"Referer": "http://localhost/entities"}, {}):
        response = client.post("/test/write", data={"csrf_token": token}, headers=headers)
        assert response.data == b"written", headers


def test_a_token_with_characters_outside_ascii_is_a_400_not_a_500(test_app: Flask) -> None:
    client = test_app.test_client()
    client.get("/test/token")
    assert client.post("/test/write", data={"csrf_token": "токен"}).status_code == 400
    assert client.post("/test/write", headers={"X-CSRF-Token": "jet\u00e9"}).status_code == 400


def test_the_session_cookie_is_same_site_lax_and_secure_over_tls(test_app: Flask) -> None:
    plain = test_app.test_client().get("/test/token")
    cookie = plain.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "Secure" not in cookie
    tls = test_app.test_client().get("/test/token", base_url="https://localhost")
    assert "; Secure" in tls.headers["Set-Cookie"]
