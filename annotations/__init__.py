"""Analyst annotations, their anchors, briefs and citations (built by a later issue).

Reads ``corpus``; never imports ``indexer`` or ``webapp``.
"""

from __future__ import annotations

__all__: list[str] = []
