"""The shipped sentence encoder: faithful to torch, refuses altered files, offline, batch-invariant, cached."""

from __future__ import annotations

import json
import shutil
import socket

import numpy as np
import pytest

from stance.encoder import SentenceEncoder, default_threads, shipped_encoder, shipped_folder, verify
from stance.errors import ModelFileError, UsageError

REFERENCE = json.loads((shipped_folder() / "reference.json").read_text(encoding="utf-8"))["sentences"]
MANIFEST = json.loads((shipped_folder() / "encoder.json").read_text(encoding="utf-8"))
QUANTISED = MANIFEST["quantisation"] != "none"

# The torch vectors were written by scripts/export_encoder.py with sentence-transformers.
# fp32 ONNX matches them to float rounding. Per-channel int8 weights move each vector a
# little: on the 155 seed sentences the cosine to torch averages 0.992 (worst 0.974), and a
# one-word sentence, with the fewest tokens to average over, drops to about 0.966.
WORST_COSINE = 0.95 if QUANTISED else 0.9999
MEAN_COSINE = 0.985 if QUANTISED else 0.99999
# Dynamic int8 quantises each batch's activations with one scale for the whole batch, so a
# sentence's vector shifts a little with its neighbours (measured: cosine 0.9927 beside
# much longer sentences); in fp32 the padding is masked out and the vector does not move.
BATCH_COSINE = 0.99 if QUANTISED else 0.99999


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder(threads=1)


@pytest.fixture
def fresh_copy(tmp_path):
    folder = tmp_path / "encoder"
    shutil.copytree(shipped_folder(), folder)
    return folder


def test_reproduces_the_torch_reference_vectors(encoder):
    vectors = encoder.encode([item["text"] for item in REFERENCE])
    expected = np.array([item["vector"] for item in REFERENCE], dtype=np.float32)
    cosines = (vectors * expected).sum(axis=1)
    assert cosines.min() >= WORST_COSINE
    assert cosines.mean() >= MEAN_COSINE
    # each vector is nearer its own sentence's torch vector than any other sentence's
    assert ((vectors @ expected.T).argmax(axis=1) == np.arange(len(REFERENCE))).all()


def test_rows_are_unit_length_float32_in_input_order(encoder):
    texts = [REFERENCE[2]["text"], REFERENCE[0]["text"]]
    vectors = encoder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (2, encoder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[::-1], encoder.encode(texts[::-1]), atol=1e-6)


def test_empty_input_gives_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_the_manifest_describes_the_shipped_model():
    encoder = shipped_encoder()
    assert encoder is shipped_encoder()
    assert encoder.name.startswith("all-MiniLM-L6-v2")
    assert encoder.dimension == 384
    assert encoder.sha256 == MANIFEST["files"]["model.onnx"]


def test_a_sentence_alone_and_padded_in_a_batch_of_longer_ones_gets_the_same_vector(tmp_path):
    short = "Seoul and Tokyo traded blame."
    long_ones = [" ".join([f"The envoy met officials in city number {i} to discuss the pact."] * 12) for i in range(3)]
    alone = SentenceEncoder(threads=1).encode([short])[0]
    # a fresh encoder, so the short sentence is really recomputed beside the long ones
    in_batch = SentenceEncoder(threads=1)
    mixed = in_batch.encode(long_ones + [short], batch_size=4)[-1]
    assert float(alone @ mixed) >= BATCH_COSINE


def test_a_long_text_is_truncated_not_refused(encoder):
    vector = encoder.encode(["word " * 2000])
    assert np.isfinite(vector).all()


def test_each_distinct_text_is_encoded_once(monkeypatch):
    encoder = SentenceEncoder(threads=1)
    seen: list[int] = []
    run = encoder._run

    def counting_run(ids):
        seen.append(len(ids))
        return run(ids)

    monkeypatch.setattr(encoder, "_run", counting_run)
    first = encoder.encode(["a pact", "a feud", "a pact", "a feud", "a pact"])
    assert sum(seen) == 2
    again = encoder.encode(["a feud", "a pact", "a deadline"])
    assert sum(seen) == 3
    np.testing.assert_array_equal(first[0], again[1])
    np.testing.assert_array_equal(first[1], again[0])


def test_nothing_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the encoder tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    vectors = SentenceEncoder(threads=1).encode(["Offline, always."])
    assert vectors.shape == (1, 384)


def test_a_flipped_byte_in_the_model_is_refused_before_loading(fresh_copy):
    model = fresh_copy / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    encoder = SentenceEncoder(fresh_copy)  # constructing reads only the manifest
    with pytest.raises(ModelFileError, match=r"^model\.onnx: .*SHA-256") as caught:
        encoder.encode(["any sentence"])
    assert "\n" not in str(caught.value)
    assert encoder._session is None


def test_a_changed_tokenizer_is_refused(fresh_copy):
    tokenizer = fresh_copy / "tokenizer.json"
    tokenizer.write_bytes(tokenizer.read_bytes().replace(b"[UNK]", b"[UNX]", 1))
    with pytest.raises(ModelFileError, match=r"^tokenizer\.json: "):
        verify(fresh_copy)


def test_a_missing_file_or_manifest_is_refused(fresh_copy):
    (fresh_copy / "tokenizer.json").unlink()
    with pytest.raises(ModelFileError, match=r"^tokenizer\.json: missing"):
        verify(fresh_copy)
    (fresh_copy / "encoder.json").unlink()
    with pytest.raises(ModelFileError, match=r"^encoder\.json: "):
        SentenceEncoder(fresh_copy)


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (" 1 ", 1)])
def test_stance_threads_sets_the_thread_count(monkeypatch, value, expected):
    monkeypatch.setenv("STANCE_THREADS", value)
    assert default_threads() == expected


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_a_bad_stance_threads_is_a_usage_error(monkeypatch, value):
    monkeypatch.setenv("STANCE_THREADS", value)
    with pytest.raises(UsageError, match="STANCE_THREADS"):
        default_threads()


def test_without_stance_threads_at_most_four_threads(monkeypatch):
    monkeypatch.delenv("STANCE_THREADS", raising=False)
    assert 1 <= default_threads() <= 4


def test_by_default_a_sentence_gets_the_same_vector_whatever_it_is_encoded_with():
    # The default batching makes a vector independent of its neighbours, for int8 too: reports
    # and cards must not change with the order in which a process first met a sentence.
    short = "Seoul and Tokyo traded blame."
    long_ones = [" ".join([f"The envoy met officials in city number {i} to discuss the pact."] * 12) for i in range(3)]
    alone = SentenceEncoder(threads=1).encode([short])[0]
    mixed = SentenceEncoder(threads=1).encode(long_ones + [short])[-1]
    np.testing.assert_array_equal(alone, mixed)
