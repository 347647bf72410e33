"""Speaker turns: who said what in a transcript.

``detect.find_turns(text, document_speaker=...)`` finds the turns of a text: labels at the start
of a line followed by a colon, learned per document (``detect`` says how), each read by
``labels.parse_label`` and named by ``speakers.Speakers``. It is pure and fast (regular
expressions and a few word lists), so analysis runs it on every document; the entity
analysis (``indexer/entities/analysis.py``) links each speaker to the registry and makes the
label's name a PERSON mention.
"""

from __future__ import annotations

__all__: list[str] = []
