"""Entity recognition: the averaged-perceptron model, the DATE/MONEY/PERCENT rules, the
registry's alias matcher, and the analysis step that stores each document's mentions.

``analysis`` combines the sources of mentions for one document; ``extraction`` runs it over
many documents in a process pool; ``refs`` is how the index names the entities a document
mentions.
"""

from __future__ import annotations

__all__: list[str] = []
