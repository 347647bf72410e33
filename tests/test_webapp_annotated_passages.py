"""``in:annotations`` from the search page (a checkbox and its chip), the JSON API, the
document view with its hit navigation, and ``dossier search``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from annotations import AnnotationDraft, AnnotationStore, Selection
from corpus.model import DocumentDraft
from corpus.store import Store
from webapp.cli import cli

DOC = "fixture-eastern-forum-2019"
QUOTE = "He said that Russia and North Korea should build a zone of peace in the Far East."
LONG = "long-talks"
FILLER = "Delegates discussed grain corridors, ports and sanctions at some length. " * 4
ANNOTATED = "Here the minister promised that sanctions on fertiliser would be eased."


def annotate(store: Any, document_id: str, quote: str, **fields: Any) -> None:
    text = store.get(document_id).text
    start = text.index(quote)
    selection = Selection(document_id, 1, start, start + len(quote), quote)
    AnnotationStore(store).create(AnnotationDraft(selection, **fields), author="local")


@pytest.fixture
def annotated(store: Any, catch_up: Any, make_app: Any) -> Any:
    """The test corpus, a long document read in parts whose third paragraph is annotated, and
    the forum's sentence about a zone of peace annotated; a client on an app reading parts of
    400 characters."""
    text = "\n\n".join([FILLER, FILLER, ANNOTATED, FILLER])
    store.put(DocumentDraft(text=text, id=LONG, kind="news", title="Long talks"))
    catch_up()
    annotate(store, DOC, QUOTE, note="Zone of peace")
    annotate(store, LONG, ANNOTATED, visibility="team")
    return make_app(DOCUMENT_PART_CHARS=400).test_client()


def api_ids(client: Any, **params: str) -> list[str]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [hit["id"] for hit in response.get_json()["hits"]]


def test_the_api_limits_a_search_to_annotated_passages(annotated: Any) -> None:
    assert set(api_ids(annotated, q="russia")) > {DOC}
    assert api_ids(annotated, q="russia in:annotations") == [DOC]
    assert api_ids(annotated, q="russia", **{"in": "annotations"}) == [DOC]
    url = annotated.get("/api/search?q=russia&in=annotations").get_json()["hits"][0]["url"]
    assert url.endswith(f"/documents/{DOC}?q=russia&in=annotations")
    assert api_ids(annotated, q="moderator in:annotations") == []  # outside the passage
    assert DOC in api_ids(annotated, q="moderator annotated:yes")
    assert sorted(api_ids(annotated, q="sanctions OR peace", **{"in": "annotations"})) == [
        DOC, LONG,
    ]  # fmt: skip
    hit = annotated.get("/api/search?q=sanctions+in:annotations").get_json()["hits"][0]
    marked = [
        s["text"][a:b] + s["text"][b : b + 14] for s in hit["snippets"] for a, b in s["spans"]
    ]
    assert marked == ["sanctions on fertiliser"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "peace", "in": "notes"}, 'Parameter "in" must be "annotations"'),
        ({"q": "peace in:notes"}, "Write in:annotations"),
        ({"q": "peace OR in:annotations"}, "combines by AND only"),
    ],
)
def test_misuse_is_a_400_that_says_what_works(
    annotated: Any, params: dict[str, str], message: str
) -> None:
    response = annotated.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    page = annotated.get("/", query_string=params)
    assert page.status_code == 400
    assert message in BeautifulSoup(page.data, "html.parser").select_one(".error-message").text  # type: ignore[union-attr]


def test_the_search_page_has_a_checkbox_and_a_chip_to_remove_it(annotated: Any) -> None:
    page = BeautifulSoup(annotated.get("/?q=russia").data, "html.parser")
    box = page.select_one("form.search-form input[type=checkbox][name=in]")
    assert box is not None and box["value"] == "annotations" and not box.has_attr("checked")
    assert int(page.select_one(".result-summary")["data-total"]) > 1  # type: ignore[index, arg-type]
    limited = BeautifulSoup(annotated.get("/?q=russia&in=annotations").data, "html.parser")
    assert limited.select_one("input[name=in]").has_attr("checked")  # type: ignore[union-attr]
    assert limited.select_one(".result-summary")["data-total"] == "1"  # type: ignore[index]
    chip = next(a for a in limited.select(".active-filters a") if "annotated" in a.text)
    assert "in=" not in chip["href"]
    link = limited.select_one(".hit-result h2 a")["href"]  # type: ignore[index]
    assert "in=annotations" in link  # the document view keeps the limit


def test_the_document_view_marks_only_the_hits_inside_the_passages(annotated: Any) -> None:
    def marked(url: str) -> list[str]:
        page = BeautifulSoup(annotated.get(url).data, "html.parser")
        return [m.text for m in page.select("mark.hit")]

    assert marked(f"/documents/{DOC}?q=peace") == ["peace", "peace"]
    assert marked(f"/documents/{DOC}?q=peace&in=annotations") == ["peace"]
    assert marked(f"/documents/{DOC}?q=peace+in:annotations") == ["peace"]
    hits = annotated.get(f"/api/documents/{DOC}?q=peace+in:annotations").get_json()["hits"]
    text = annotated.get(f"/api/documents/{DOC}").get_json()["text"]
    assert [text[a:b] for a, b in hits] == ["peace"] and hits[0][0] > text.index("He said")


def test_hit_navigation_steps_through_the_passages_hits_only(annotated: Any) -> None:
    plain = annotated.get(f"/documents/{LONG}?q=sanctions&at=0")
    assert "part=" not in plain.location or "part=1" in plain.location
    limited = annotated.get(f"/documents/{LONG}?q=sanctions&in=annotations&at=0")
    assert "in=annotations" in limited.location and limited.location.endswith("#hit-1")
    page = BeautifulSoup(annotated.get(limited.location).data, "html.parser")
    assert [m.text for m in page.select("mark.hit")] == ["sanctions"]
    status = page.select_one("[data-hit-status]").text  # type: ignore[union-attr]
    assert "1 hit" in status and "inside annotated passages" in status
    assert ANNOTATED in page.select_one("mark.hit").find_parent("p").text  # type: ignore[union-attr]
    again = annotated.get(f"/documents/{LONG}?q=sanctions&in=annotations&at=10000")
    assert again.location == limited.location  # round to the only passage hit


def test_dossier_search_takes_the_operator_and_a_flag(
    runner: Any, corpus_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["ingest", "--no-analyse", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    with Store.open(f"sqlite:///{tmp_path / 'home' / 'dossier.db'}") as store:
        annotate(store, DOC, QUOTE)

    def found(*args: str) -> list[str]:
        out = runner.invoke(cli, ["search", "--json", *args])
        assert out.exit_code == 0, out.output
        return [hit["id"] for hit in json.loads(out.stdout)["hits"]]

    assert len(found("russia")) > 1
    assert found("russia in:annotations") == [DOC]
    assert found("russia", "--in-annotations") == [DOC]
    assert found("moderator", "--in-annotations") == []
    bad = runner.invoke(cli, ["search", "peace OR in:annotations"])
    assert bad.exit_code != 0 and "combines by AND only" in bad.output
