"""stance.persist: skops model files, and refusal of anything that is not a trusted stance model."""

from __future__ import annotations

import pickle
import random
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from conftest import ROOT, TINY_LABELS

from stance.errors import ModelFileError
from stance.model import StanceClassifier
from stance.persist import load_model, save_model

SENTENCES = ["Seoul made a mistaken decision.", "The pact is crucial.", "They met on Friday."]


def _touch(path: str) -> None:
    """Side effect of a malicious file: proof that code from the file ran."""
    Path(path).write_text("code from the model file ran", encoding="utf-8")


class PickleCanary:
    """Unpickling this calls _touch: a pickle can run any code it names."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (_touch, (self.marker,))


class SkopsCanary:
    """An untrusted type whose __setstate__ (run when skops builds it) creates a file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __setstate__(self, state):
        _touch(state["marker"])
        self.__dict__.update(state)


# -- round trip ---------------------------------------------------------------------------------------------


def test_save_then_load_gives_identical_probabilities(tiny_model, tmp_path):
    path = tmp_path / "model.skops"
    save_model(tiny_model, path)
    loaded = load_model(path)
    assert isinstance(loaded, StanceClassifier)
    assert loaded.labels == TINY_LABELS
    np.testing.assert_array_equal(loaded.thresholds_, tiny_model.thresholds_)
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES))
    np.testing.assert_array_equal(loaded.predict(SENTENCES), tiny_model.predict(SENTENCES))


def test_saved_file_is_a_zip_archive_not_a_pickle(tiny_model_file):
    assert zipfile.is_zipfile(tiny_model_file)
    assert not tiny_model_file.read_bytes().startswith(b"\x80")  # pickle protocol 2+ opcode


def test_saving_twice_overwrites_and_leaves_no_temporary_file(tiny_model, tmp_path):
    path = tmp_path / "model.skops"
    save_model(tiny_model, path)
    save_model(tiny_model, path)
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]


def test_shipped_model_loads_and_uses_the_seed_schema_labels(seed_schema):
    shipped = ROOT / "models" / "stance.skops"
    if not shipped.exists():
        pytest.skip("no shipped model in this checkout")
    model = load_model(shipped)
    assert tuple(model.labels) == seed_schema.label_names
    assert model.predict_proba(SENTENCES).shape == (3, len(seed_schema.label_names))


# -- files that are refused ---------------------------------------------------------------------------------------


def _truncated(tmp_path, model_file):
    data = model_file.read_bytes()
    return data[: len(data) // 2]


def _corrupted(tmp_path, model_file):
    data = bytearray(model_file.read_bytes())
    middle = len(data) // 2
    data[middle - 200 : middle + 200] = bytes(400)  # zero the middle: the archive's directory survives
    return bytes(data)


@pytest.mark.parametrize(
    "make_bytes, message",
    [
        pytest.param(_truncated, "not a skops model file", id="truncated"),
        pytest.param(_corrupted, "corrupt", id="corrupt-middle"),
        pytest.param(lambda tmp_path, f: random.Random(0).randbytes(4096), "not a skops model file", id="random-bytes"),
        pytest.param(lambda tmp_path, f: b"", "not a skops model file", id="empty"),
        pytest.param(lambda tmp_path, f: b"just some text\n", "not a skops model file", id="text"),
    ],
)
def test_damaged_or_foreign_file_is_refused_with_model_file_error(tmp_path, tiny_model_file, make_bytes, message):
    path = tmp_path / "bad.skops"
    path.write_bytes(make_bytes(tmp_path, tiny_model_file))
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(path)
    assert str(caught.value).startswith("bad.skops: ")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp_path: tmp_path / "missing.skops", "no such model file"),
        (lambda tmp_path: tmp_path, "is a directory"),
    ],
    ids=["missing", "directory"],
)
def test_missing_model_path_is_refused_with_model_file_error(tmp_path, make, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(make(tmp_path))


def test_pickle_file_is_refused_and_its_code_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.skops"
    path.write_bytes(pickle.dumps(PickleCanary(marker)))
    with pytest.raises(ModelFileError, match="pickle is never loaded"):
        load_model(path)
    assert not marker.exists()


def test_pickle_canary_would_run_code_if_unpickled(tmp_path):
    """Control: the canary is live, so its absence above proves load_model never unpickled it."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle.dumps(PickleCanary(marker)))
    assert marker.exists()


def test_skops_file_of_another_estimator_is_refused(tmp_path):
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "logreg.skops"
    sio.dump(LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]), path)
    with pytest.raises(ModelFileError, match="holds a LogisticRegression, not a stance model"):
        load_model(path)


def test_skops_file_of_an_untrained_stance_model_is_refused(tmp_path):
    path = tmp_path / "untrained.skops"
    sio.dump(StanceClassifier(labels=TINY_LABELS), path)
    with pytest.raises(ModelFileError, match="untrained"):
        load_model(path)


def test_skops_file_with_an_untrusted_type_is_refused_and_its_code_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "untrusted.skops"
    sio.dump(SkopsCanary(marker), path)
    with pytest.raises(ModelFileError, match="not trusted"):
        load_model(path)
    assert not marker.exists()


def test_stance_model_carrying_an_untrusted_object_is_refused_and_its_code_never_runs(tiny_model, tmp_path):
    import copy

    marker = tmp_path / "pwned"
    path = tmp_path / "trojan.skops"
    trojan = copy.deepcopy(tiny_model)
    trojan.notes_ = SkopsCanary(marker)
    sio.dump(trojan, path)
    with pytest.raises(ModelFileError, match="SkopsCanary"):
        load_model(path)
    assert not marker.exists()


def test_skops_canary_would_run_code_if_its_type_were_trusted(tmp_path):
    """Control: trusting the canary's type makes skops run its __setstate__, so the check above is live."""
    marker = tmp_path / "pwned"
    path = tmp_path / "untrusted.skops"
    sio.dump(SkopsCanary(marker), path)
    sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert marker.exists()
