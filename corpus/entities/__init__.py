"""The entity registry, analysts' corrections and the mentions stored per document version.

Same database as the documents (docs/decisions/005). ``store`` reads the registry;
``corrections`` and ``tagging`` change it, each change logged with who and when and queuing
the documents it affects for re-analysis (``reanalysis``: jobs of kind "reanalyse");
``analyses`` holds what analysis found, ``dialogue`` the speaker turns it found (and
``directions`` the stage directions inside them) and ``speakers`` analysts' corrections of
them; ``queries`` and ``statements`` (what an entity said) feed the entity pages;
``registry_io`` and ``bulk`` exchange the registry as CSV or JSON.

The names below are the subpackage's contract; the web app imports nothing else of it. Each is
loaded from its module on first use, so a module that needs one of them (the index needs the
model and the stored mentions) does not import the corrections, queries and exchange formats.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.entities.analyses import (
        MentionCount,
        MentionSet,
        documents_containing,
        documents_mentioning,
        mention_counts,
        mentions,
        mentions_many,
        mentions_starting_in,
        replace_many,
        replace_mentions,
        unanalysed,
    )
    from corpus.entities.bulk import (
        ImportReport,
        SkippedRow,
    )
    from corpus.entities.corrections import (
        LOCAL,
        CorrectionResult,
        add_alias,
        add_entity,
        describe,
        history,
        merge,
        remove_alias,
        rename,
        retype,
        split,
    )
    from corpus.entities.dialogue import (
        Participant,
        participants,
        speaker_ref,
        turn_at,
        turns,
        turns_many,
    )
    from corpus.entities.directions import spoken, stage_directions
    from corpus.entities.dry_run import Preview, preview
    from corpus.entities.model import (
        ENTITY_TYPES,
        MENTION_SOURCES,
        Correction,
        Entity,
        EntityCorrections,
        Mention,
        SpeakerCorrection,
        Suppression,
        TaggedSpan,
        Turn,
        alias_key,
        alias_pieces,
        label_key,
    )
    from corpus.entities.queries import (
        Cooccurrence,
        EntityDocument,
        Passage,
        cooccurring,
        documents_for_entity,
        entity_mention_counts,
        passages,
        timeline,
    )
    from corpus.entities.reanalysis import (
        REANALYSE,
        ReanalysisProgress,
        pending_for_entity,
        reanalysis_progress,
    )
    from corpus.entities.registry_io import (
        FORMATS,
        export_registry,
        import_file,
        import_registry,
        read_rows,
    )
    from corpus.entities.speakers import (
        correct_speaker,
        speaker_corrections,
        undo_speaker,
    )
    from corpus.entities.stamps import MentionsStamp, mentions_stamp
    from corpus.entities.statements import (
        Statement,
        list_statements,
        statement_counts,
        statement_timeline,
        subject_ref,
    )
    from corpus.entities.store import (
        EntityStore,
        Registry,
    )
    from corpus.entities.tagging import (
        suppress,
        tag,
        unsuppress,
        untag,
    )
    from corpus.entities.unlinked import (
        NameCount,
        UnlinkedName,
        unlinked_names,
    )

__all__ = [
    "ENTITY_TYPES",
    "FORMATS",
    "LOCAL",
    "MENTION_SOURCES",
    "REANALYSE",
    "Cooccurrence",
    "Correction",
    "CorrectionResult",
    "Entity",
    "EntityCorrections",
    "EntityDocument",
    "EntityStore",
    "ImportReport",
    "Mention",
    "MentionCount",
    "MentionSet",
    "NameCount",
    "Participant",
    "Passage",
    "Registry",
    "SkippedRow",
    "SpeakerCorrection",
    "Suppression",
    "TaggedSpan",
    "Turn",
    "UnlinkedName",
    "add_alias",
    "add_entity",
    "alias_key",
    "alias_pieces",
    "cooccurring",
    "correct_speaker",
    "describe",
    "documents_containing",
    "documents_for_entity",
    "documents_mentioning",
    "entity_mention_counts",
    "export_registry",
    "history",
    "import_file",
    "import_registry",
    "label_key",
    "mention_counts",
    "mentions",
    "mentions_stamp",
    "MentionsStamp",
    "mentions_many",
    "mentions_starting_in",
    "merge",
    "participants",
    "passages",
    "Statement",
    "statement_counts",
    "statement_timeline",
    "list_statements",
    "subject_ref",
    "pending_for_entity",
    "Preview",
    "preview",
    "ReanalysisProgress",
    "reanalysis_progress",
    "read_rows",
    "remove_alias",
    "rename",
    "replace_many",
    "replace_mentions",
    "retype",
    "speaker_corrections",
    "speaker_ref",
    "spoken",
    "stage_directions",
    "split",
    "suppress",
    "tag",
    "timeline",
    "turn_at",
    "turns",
    "turns_many",
    "unanalysed",
    "undo_speaker",
    "unlinked_names",
    "unsuppress",
    "untag",
]

_LAZY = {
    "ENTITY_TYPES": "model",
    "MENTION_SOURCES": "model",
    "Correction": "model",
    "Entity": "model",
    "EntityCorrections": "model",
    "Mention": "model",
    "Suppression": "model",
    "TaggedSpan": "model",
    "Turn": "model",
    "SpeakerCorrection": "model",
    "label_key": "model",
    "spoken": "directions",
    "stage_directions": "directions",
    "Participant": "dialogue",
    "participants": "dialogue",
    "speaker_ref": "dialogue",
    "turn_at": "dialogue",
    "turns": "dialogue",
    "turns_many": "dialogue",
    "correct_speaker": "speakers",
    "speaker_corrections": "speakers",
    "undo_speaker": "speakers",
    "alias_key": "model",
    "alias_pieces": "model",
    "EntityStore": "store",
    "Registry": "store",
    "LOCAL": "corrections",
    "CorrectionResult": "corrections",
    "add_alias": "corrections",
    "add_entity": "corrections",
    "describe": "corrections",
    "history": "corrections",
    "merge": "corrections",
    "remove_alias": "corrections",
    "rename": "corrections",
    "retype": "corrections",
    "split": "corrections",
    "suppress": "tagging",
    "tag": "tagging",
    "unsuppress": "tagging",
    "untag": "tagging",
    "MentionCount": "analyses",
    "MentionSet": "analyses",
    "mention_counts": "analyses",
    "documents_containing": "analyses",
    "documents_mentioning": "analyses",
    "mentions": "analyses",
    "mentions_many": "analyses",
    "mentions_starting_in": "analyses",
    "replace_many": "analyses",
    "replace_mentions": "analyses",
    "unanalysed": "analyses",
    "MentionsStamp": "stamps",
    "mentions_stamp": "stamps",
    "Cooccurrence": "queries",
    "EntityDocument": "queries",
    "Passage": "queries",
    "NameCount": "unlinked",
    "unlinked_names": "unlinked",
    "UnlinkedName": "unlinked",
    "cooccurring": "queries",
    "documents_for_entity": "queries",
    "entity_mention_counts": "queries",
    "passages": "queries",
    "Statement": "statements",
    "statement_counts": "statements",
    "statement_timeline": "statements",
    "list_statements": "statements",
    "subject_ref": "statements",
    "timeline": "queries",
    "FORMATS": "registry_io",
    "export_registry": "registry_io",
    "import_file": "registry_io",
    "import_registry": "registry_io",
    "read_rows": "registry_io",
    "ImportReport": "bulk",
    "SkippedRow": "bulk",
    "REANALYSE": "reanalysis",
    "pending_for_entity": "reanalysis",
    "ReanalysisProgress": "reanalysis",
    "reanalysis_progress": "reanalysis",
    "Preview": "dry_run",
    "preview": "dry_run",
}


if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
