"""Entity precision and recall on each kind of text: the table in docs/QUALITY.md.

    python bench/entity_quality.py --model M    # M: the model "dossier entities train" saves
    python bench/entity_quality.py              # trains one first (5 passes, 2-3 minutes)
    python bench/entity_quality.py --save M     # ... and saves it as M

Each IOB2 set is scored as ``dossier entities eval --corpus FILE`` scores it: the model tags
the file's own tokens, and a name counts only with exactly the gold tokens and type. The re3d
row scores ``Recogniser.recognise`` on raw text against the dstl re3d gold of the 85 news
items in ../shared/data/demo (character spans, see ``re3d_scores``); the second re3d row leaves
nationalities out (people, organisations and places only: issue 12's held-out measure).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import REPO, SHARED_DATA, machine  # noqa: E402

if TYPE_CHECKING:
    from indexer.entities.recogniser import Recogniser

SETS = REPO / "tests" / "data-entities"
# (kind of text, what, IOB2 file or the re3d types scored)
ROWS: list[tuple[str, str, Path | frozenset[str]]] = [
    (
        "news prose",
        "GMB test: VOA news, the training data's kind",
        SHARED_DATA / "ner-train" / "gmb.test.tsv",
    ),
    (
        "news prose",
        "re3d: 85 real press statements and articles",
        frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NORP"}),
    ),
    (
        "news prose",
        "re3d, people, organisations and places only",
        frozenset({"PERSON", "ORGANIZATION", "LOCATION"}),
    ),
    ("news prose", "invented names (`prose.tsv`)", SETS / "prose.tsv"),
    (
        "tables, headlines",
        "results, standings, agendas, datelines, headlines (`lines.tsv`)",
        SETS / "lines.tsv",
    ),
    (
        "speech transcripts",
        "invented speeches, press conference, forum (`transcripts.tsv`)",
        SETS / "transcripts.tsv",
    ),
    ("forum chat", "invented posts (`chat.tsv`)", SETS / "chat.tsv"),
    (
        "tables, headlines",
        "the same kinds of line, the half the line handling was tuned on (`lines-dev.tsv`)",
        SETS / "lines-dev.tsv",
    ),
]
# re3d's types that are ours.
RE3D_TYPES = {
    "Person": "PERSON",
    "Organisation": "ORGANIZATION",
    "Location": "LOCATION",
    "Nationality": "NORP",
}


def main() -> None:
    from indexer.entities.iob import GMB_TYPE_MAP
    from indexer.entities.recogniser import Recogniser, evaluate, train

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, help="a trained model (default: train one)")
    ap.add_argument("--save", type=Path, help="where to save the model trained here")
    args = ap.parse_args()
    if args.model:
        model = Recogniser.load(args.model)
    else:
        t0 = time.perf_counter()
        model = train(SHARED_DATA / "ner-train" / "gmb.train.tsv", passes=5)
        print(f"(trained a model in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        if args.save:
            model.save(args.save)
    print(f"# {machine()}\n")
    print("| text | set | names | precision | recall | F1 |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    by_type = []
    for kind, what, path in ROWS:
        if isinstance(path, frozenset):
            p, r, names = re3d_scores(model, path)
        else:
            scores = evaluate(model, path, GMB_TYPE_MAP)
            o = scores.overall
            p, r, names = o.precision, o.recall, o.true_positives + o.false_negatives
            by_type += [(path.name, t) for t in scores.by_type.values()]
        print(f"| {kind} | {what} | {names:,} | {p:.3f} | {r:.3f} | {_f1(p, r):.3f} |")
    print("\n| set | type | names | precision | recall | F1 |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, t in by_type:
        n = t.true_positives + t.false_negatives
        print(f"| {name} | {t.type} | {n:,} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} |")


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def re3d_scores(
    model: Recogniser, types: frozenset[str] = frozenset(RE3D_TYPES.values())
) -> tuple[float, float, int]:
    """(precision, recall, names) on the re3d items, by character spans, for names of ``types``.

    re3d marks descriptions too ("the country", "an inclusive Government") and nests
    alternatives ("Iraqi President Fuad Masum", "President Fuad"). A found name is right when
    some gold span of its type has exactly its extent; a gold *name* (words capitalised but
    for function words, "The Members of the Security Council" and its "Security Council")
    is missed when no found name of its type matches it or a name of its type overlapping it.
    """
    documents = {
        d["id"]: d["text"]
        for d in _jsonl(SHARED_DATA / "demo" / "demo.jsonl")
        if d["id"].startswith("re3d-")
    }
    gold: dict[str, list[tuple[int, int, str, str]]] = {}
    for g in _jsonl(SHARED_DATA / "demo" / "entities_re3d.jsonl"):
        if RE3D_TYPES.get(g["type"]) in types and g["doc_id"] in documents:
            gold.setdefault(g["doc_id"], []).append(
                (g["begin"], g["end"], RE3D_TYPES[g["type"]], g["value"])
            )
    right = wrong = names = missed = 0
    for doc_id, text in documents.items():
        spans = gold.get(doc_id, [])
        exact = {(s, e, t) for s, e, t, _ in spans}
        found = {
            (m.span.start, m.span.end, m.type) for m in model.recognise(text) if m.type in types
        }
        right += len(found & exact)
        wrong += len(found - exact)
        for cluster in _clusters([g for g in spans if _is_name(g[3])]):
            names += 1
            missed += not any((s, e, t) in found for s, e, t, _ in cluster)
    precision = right / (right + wrong) if right + wrong else 0.0
    return precision, (names - missed) / names if names else 0.0, names


def _is_name(value: str) -> bool:
    from indexer import analyse

    function = {w.lower() for w in analyse.word_list("stopwords", "english")}
    words = value.replace("-", " ").split()
    return (
        bool(words)
        and words[0][:1].isupper()
        and all(w[:1].isupper() or w.lower() in function or not w[:1].isalpha() for w in words)
    )


def _clusters(spans: list[tuple[int, int, str, str]]) -> Iterator[list[tuple[int, int, str, str]]]:
    """Gold names of one type that overlap, as one name with alternative extents."""
    spans = sorted(spans, key=lambda g: (g[2], g[0], -g[1]))
    group: list[tuple[int, int, str, str]] = []
    end = -1
    for g in spans:
        if group and (g[2] != group[0][2] or g[0] >= end):
            yield group
            group, end = [], -1
        group.append(g)
        end = max(end, g[1])
    if group:
        yield group


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


if __name__ == "__main__":
    main()
