"""Entity recognition: the model, the rules, the registry's names, and the analysis step.

``recogniser`` (with ``features``, ``perceptron``, ``iob``) is the trained model; ``rules``
finds dates, money and percentages; ``alias_matcher`` and ``aliases`` find the registry's
names; ``analysis`` merges them with analysts' corrections for one document; ``extraction``
runs that over the store in a process pool and stores the mentions; ``reanalysis`` drains the
"reanalyse" jobs corrections queue; ``refs`` is how the index names the entities a document
mentions.

The names below are the subpackage's contract; the web app imports nothing else of it. Each is
loaded from its module on first use, so the search (which needs ``refs``) never loads the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.entities.alias_matcher import (
        AliasMatcher,
    )
    from indexer.entities.analysis import (
        ANALYSIS_VERSION,
        EntityAnalysis,
        analyse_document,
    )
    from indexer.entities.extraction import (
        AnalysisReport,
        ReindexReport,
        analyse_documents,
        load_recogniser,
        model_path,
        reindex_documents,
    )
    from indexer.entities.iob import (
        Scores,
        TypeScores,
        parse_type_map,
        read_iob,
    )
    from indexer.entities.reanalysis import (
        DrainReport,
        Failure,
        drain,
    )
    from indexer.entities.recogniser import (
        Recogniser,
        evaluate,
        train,
    )
    from indexer.entities.refs import (
        entity_fields,
        is_unlinked,
    )

__all__ = [
    "ANALYSIS_VERSION",
    "AliasMatcher",
    "AnalysisReport",
    "DrainReport",
    "EntityAnalysis",
    "Failure",
    "Recogniser",
    "ReindexReport",
    "Scores",
    "TypeScores",
    "analyse_document",
    "analyse_documents",
    "drain",
    "entity_fields",
    "evaluate",
    "is_unlinked",
    "load_recogniser",
    "model_path",
    "parse_type_map",
    "read_iob",
    "reindex_documents",
    "train",
]

_LAZY = {
    "AnalysisReport": "extraction",
    "ReindexReport": "extraction",
    "analyse_documents": "extraction",
    "load_recogniser": "extraction",
    "model_path": "extraction",
    "reindex_documents": "extraction",
    "ANALYSIS_VERSION": "analysis",
    "EntityAnalysis": "analysis",
    "analyse_document": "analysis",
    "Recogniser": "recogniser",
    "evaluate": "recogniser",
    "train": "recogniser",
    "Scores": "iob",
    "TypeScores": "iob",
    "parse_type_map": "iob",
    "read_iob": "iob",
    "DrainReport": "reanalysis",
    "Failure": "reanalysis",
    "drain": "reanalysis",
    "entity_fields": "refs",
    "is_unlinked": "refs",
    "AliasMatcher": "alias_matcher",
}


if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
