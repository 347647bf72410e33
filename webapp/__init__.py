"""Flask app factory, blueprints, CLI and highlight rendering. Nothing imports this package.

Views parse the request, call one library function and render: no SQL, no Whoosh objects and
no NLTK calls here. Document text is untrusted: it reaches HTML only through autoescaping or
``webapp.highlight.render_layers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Flask is imported by create_app, so that the CLI never loads it for nothing
    from flask import Flask, Response

__all__ = ["create_app"]

# No inline scripts or styles: every script and stylesheet comes from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: configuration in four layers, logging, resources, errors, blueprints.

    ``config`` overrides everything else (tests pass the store and index they built).
    """
    # Imported here, not at the top, so that importing the package (for the CLI or the config)
    # does not load Flask, the views, the store and the index.
    from flask import Flask

    import webapp.views.annotations as annotation_views  # not "from": the name is __future__'s
    from webapp import (
        brief_verification,
        csrf,
        errors,
        filters,
        jobs,
        markdown,
        origins,
        reanalysis,
        reanchoring,
        resources,
    )  # fmt: skip
    from webapp.config import load_config
    from webapp.logs import configure_logging
    from webapp.views import (
        annotation_pages,
        api,
        backlinks,
        brief_pages,
        briefs,
        documents,
        entities,
        export,
        search,
    )
    from webapp.views import reanalysis as reanalysis_views

    app = Flask(__name__)
    app.url_map.strict_slashes = False  # "/entities/" is "/entities", as a person would type it
    app.config.update(load_config(config))
    configure_logging(app.config["LOG_LEVEL"])

    errors.init_app(app)
    resources.init_app(app)
    filters.init_app(app)
    markdown.init_app(app)
    origins.init_app(app)  # before csrf: a foreign host or site is refused first
    csrf.init_app(app)
    app.after_request(_set_security_headers)

    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(annotation_views.bp)
    app.register_blueprint(annotation_pages.bp)
    app.register_blueprint(briefs.bp)
    app.register_blueprint(brief_pages.bp)
    app.register_blueprint(backlinks.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(reanalysis_views.bp)
    app.register_blueprint(export.bp)

    # The index is derived from the store. Building or catching it up is "dossier serve"'s and
    # "dossier setup"'s job (webapp/pipeline.py), never a hidden step of starting a worker:
    # here it is only checked, and a stale or missing index is logged (pages say so too).
    resources.check_index(app)
    # Each worker loads the index's columns before it takes requests (WARM_UP), instead of
    # its first searches each waiting for them.
    resources.warm_up(app)
    # Queued work: each area registers the job kinds it drains, then the worker starts (in
    # background mode) and drains what is queued, a crash's too.
    reanalysis.init_app(app)
    reanchoring.init_app(app)
    brief_verification.init_app(app)
    jobs.init_app(app)
    return app


def _set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
