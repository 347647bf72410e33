"""``dossier search``: the web app's search box on the command line.

Loaded only when a search runs, with no more than a search needs: the store opened read-only
(no migration, no Alembic; a SQLite store as a ``QuickStore``, so SQLAlchemy and the
annotations package load only for a query that filters on entities, speakers or annotations),
the index, the query language; never Flask, Werkzeug, the readers or NLTK. Start-up figures are
in docs/PERFORMANCE.md; tests/test_webapp_cli_startup.py lists the modules it must not load.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from indexer.search import SearchIndex
from webapp.cli.terminal import result_json, result_lines
from webapp.config import load_config
from webapp.instance import open_for_reading
from webapp.params import MAX_PAGE, MAX_PER_PAGE, SORTS, InvalidParameter, search_request

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from corpus.model import Document, Span
    from webapp.annotation_search import AnnotationResolver


class _Options(dict[str, list[str]]):
    """The options as the search parameters' parser reads a query string (``get``,
    ``getlist``), without loading Werkzeug for its ``MultiDict``."""

    def add(self, key: str, value: str) -> None:
        self.setdefault(key, []).append(value)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[str]:
        return list(super().get(key) or [])


@click.command("search")
@click.argument("query", default="")
@click.option("--kind", multiple=True, help="Only this kind: speech, forum, news, other.")
@click.option("--speaker", multiple=True, help="Only this speaker or author, exactly.")
@click.option("--source", multiple=True, help="Only this source, exactly.")
@click.option("--tag", multiple=True, help="Only documents with this tag.")
@click.option(
    "--entity",
    multiple=True,
    help="Only documents mentioning this entity: a registry id, or a ref the facets show.",
)
@click.option(
    "--from", "from_", metavar="DATE", help="Dated on or after: 2013, 2013-06, 2013-06-05."
)
@click.option("--to", metavar="DATE", help="Dated on or before the end of: 2013, 2013-06, ...")
@click.option(
    "--sort",
    type=click.Choice(tuple(SORTS)),
    default="relevance",
    show_default=True,
    help="Order of the hits; undated documents come last.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PER_PAGE),
    default=10,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help="Page to show."
)
@click.option(
    "--in-annotations",
    is_flag=True,
    help="Only the words inside passages you (or the team) annotated, as in:annotations.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_command(
    query: str, limit: int, as_json: bool, in_annotations: bool, **options: Any
) -> None:
    """Search the documents, as the web app's search box does.

    QUERY uses the same query language (see the README); --kind, --speaker, --source, --tag
    and --entity may be repeated (any of the values matches). Examples:

    \b
      dossier search '"zone of peace"'
      dossier search 'sanction* -oil' --kind news --from 2016 --sort newest
      dossier search 'ruble in:annotations'
    """
    args = _Options(q=[query], per_page=[str(limit)])
    if in_annotations:
        args.add("in", "annotations")
    for name, values in options.items():
        for value in values if isinstance(values, tuple) else (values,):
            if value is not None:
                args.add(name.rstrip("_"), str(value))
    try:
        request = search_request(cast("MultiDict[str, str]", args), per_page=limit)
    except InvalidParameter as exc:
        raise click.ClickException(str(exc).replace('Parameter "', 'Option "--')) from exc
    if not as_json:  # the lines printed show no facets: count none (and read no columns)
        request = dataclasses.replace(request, facets=False)
    config = load_config(generate_secret=False)
    with open_for_reading(config) as store:
        index = SearchIndex.open(Path(config["INDEX_DIR"]))
        try:
            result = index.search(request, store, _Resolver(store))
        finally:
            index.close()
    if as_json:
        click.echo(json.dumps(result_json(result), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(result_lines(result, is_tty=sys.stdout.isatty())))


class _Resolver:
    """The annotation filters' resolver, made on its first question: a search with no
    ``note:``, ``tag:``, ``author:`` or ``annotated:`` never loads the annotations package."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._resolver: AnnotationResolver | None = None

    def documents(self, field: str, value: str) -> Set[str]:
        return self._answerer().documents(field, value)

    def passages(self, documents: Sequence[Document]) -> Mapping[str, Sequence[Span]]:
        return self._answerer().passages(documents)

    def _answerer(self) -> AnnotationResolver:
        if self._resolver is None:
            from annotations import AnnotationStore
            from webapp.annotation_search import AnnotationResolver
            from webapp.users import current_user

            full = self.store.full() if hasattr(self.store, "full") else self.store
            self._resolver = AnnotationResolver(
                AnnotationStore(full, migrate=False), current_user()
            )
        return self._resolver
