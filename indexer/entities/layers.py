"""The part of a document's entity analysis that no registry change can alter, kept per version.

Tokenising a text and running the model over it are ~90% of analysing it (22 CPU-ms a Kremlin
document; the model 67%, tokenising 26%). Both depend only on the text, the model and the code,
never on the registry or analysts' corrections. So each analysis stores them (``TextLayer``,
``corpus/entities/layers.py``), and a correction's re-analysis reads them back and re-runs only
the registry matching and the merging (``analysis.analyse_document``): about 2 ms a document.

A stored layer is used only when its ``layer_key`` is the one the analysis would make now: the
layer format, ``ANALYSIS_VERSION`` and the model's digest (file contents and NLTK word lists).
A new model, an analysis change or a model trained in memory (no digest) means full analysis.
See docs/decisions/017-stored-text-layers.md.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corpus.entities.model import Mention
from corpus.model import Span
from indexer.analyse import TokenizedSentence

if TYPE_CHECKING:
    from indexer.entities.recogniser import Recogniser

LAYER_FORMAT = 1  # bump when ``encode``'s bytes change
_HEAD = struct.Struct("<III")  # JSON header bytes, sentences, tokens


@dataclass(frozen=True)
class TextLayer:
    """A text's sentences with their tokens, and what the model and the rules found in it
    (``Recogniser.recognise``'s output; the rules' alone without a model)."""

    sentences: Sequence[TokenizedSentence]
    found: Sequence[Mention]


def layer_key(recogniser: Recogniser | None, analysis_version: int) -> str | None:
    """What a stored layer must say to be reused: None when the model has no digest (one
    trained in memory and never saved), so its layers are neither stored nor read."""
    if recogniser is None:
        return f"{LAYER_FORMAT}.{analysis_version}.rules"
    digest = getattr(recogniser, "digest", None)
    return None if digest is None else f"{LAYER_FORMAT}.{analysis_version}.{digest}"


def encode(layer: TextLayer) -> bytes:
    """The layer as compact bytes: token offsets as deltas in one int32 array, mentions as
    offsets plus a small JSON header of their types, sources and confidences; zlib'd."""
    sentences = layer.sentences
    counts = [len(s.starts) for s in sentences]
    bounds = [v for s in sentences for v in (s.span.start, s.span.end)]
    starts = [v for s in sentences for v in s.starts]
    ends = [v for s in sentences for v in s.ends]
    found = layer.found
    header = json.dumps(
        {
            "t": [m.type for m in found],
            "s": [m.source for m in found],
            "c": [m.confidence for m in found],
        },
        separators=(",", ":"),
    ).encode()
    offsets = [v for m in found for v in (m.span.start, m.span.end)]
    numbers = np.array(bounds + counts + starts + ends + offsets, dtype=np.int64)
    deltas = np.diff(numbers, prepend=0).astype(np.int32)  # small numbers compress well
    body = _HEAD.pack(len(header), len(sentences), len(starts)) + header + deltas.tobytes()
    return zlib.compress(body, 1)


def decode(data: bytes, text: str) -> TextLayer:
    """The layer ``encode`` wrote, with words and mention texts cut from ``text``. Raises
    ``ValueError`` for bytes that are not a layer of this text (the caller analyses anew)."""
    try:
        body = zlib.decompress(data)
        size, n_sentences, n_tokens = _HEAD.unpack_from(body)
        header = json.loads(body[_HEAD.size : _HEAD.size + size])
        deltas = np.frombuffer(body, dtype=np.int32, offset=_HEAD.size + size)
    except (zlib.error, struct.error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a stored text layer: {exc}") from exc
    numbers = np.cumsum(deltas, dtype=np.int64).tolist()
    types, sources, confidences = header["t"], header["s"], header["c"]
    if len(numbers) != 3 * n_sentences + 2 * n_tokens + 2 * len(types):
        raise ValueError("a stored text layer of the wrong length")
    bounds, rest = numbers[: 2 * n_sentences], numbers[2 * n_sentences :]
    counts, rest = rest[:n_sentences], rest[n_sentences:]
    starts, ends, offsets = rest[:n_tokens], rest[n_tokens : 2 * n_tokens], rest[2 * n_tokens :]
    if offsets and offsets[-1] > len(text) or ends and ends[-1] > len(text):
        raise ValueError("a stored text layer that runs past the text")
    return TextLayer(
        _sentences(text, bounds, counts, starts, ends),
        _mentions(text, offsets, types, sources, confidences),
    )


def _sentences(
    text: str, bounds: list[int], counts: list[int], starts: list[int], ends: list[int]
) -> list[TokenizedSentence]:
    out = []
    first = 0
    for n, count in enumerate(counts):
        last = first + count
        s, e = tuple(starts[first:last]), tuple(ends[first:last])
        words = tuple([text[a:b] for a, b in zip(s, e, strict=True)])
        out.append(TokenizedSentence(Span(bounds[2 * n], bounds[2 * n + 1]), words, s, e))
        first = last
    return out


def _mentions(
    text: str,
    offsets: list[int],
    types: list[str],
    sources: list[str],
    confidences: list[float],
) -> list[Mention]:
    out = []
    for n, (type_, source, confidence) in enumerate(zip(types, sources, confidences, strict=True)):
        span = Span(offsets[2 * n], offsets[2 * n + 1])
        out.append(Mention(span, type_, text[span.start : span.end], source, confidence))
    return out
