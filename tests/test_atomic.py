"""stance.atomic, and the promise built on it: a failed write (or a failed training) leaves
the previous file byte for byte as it was."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import make_training_folder, tiny_rows

from stance.atomic import atomic_folder, atomic_path, atomic_paths, write_text
from stance.errors import InputDataError, OutputError, StanceError
from stance.training import train

# -- single files ----------------------------------------------------------------------------------------


def test_write_text_replaces_the_file_with_utf8_and_unix_newlines(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    write_text(path, "Seoul’s decision\nline two\n")
    assert path.read_bytes() == "Seoul’s decision\nline two\n".encode("utf-8")


def test_write_creates_missing_parent_folders(tmp_path):
    path = tmp_path / "a" / "b" / "out.txt"
    write_text(path, "x")
    assert path.read_text() == "x"


def test_written_file_has_the_usual_permissions_not_mkstemps_0600(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text(tmp_path / "out.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644


def test_failure_inside_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(b"previous model")

    with pytest.raises(RuntimeError, match="disk full"), atomic_path(path) as temporary:
        temporary.write_bytes(b"half a new mod")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"previous model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]


def test_atomic_paths_rename_nothing_when_one_write_fails(tmp_path):
    first, second = tmp_path / "model.skops", tmp_path / "model.card.json"
    first.write_bytes(b"old model")
    second.write_text("old card")
    with pytest.raises(RuntimeError), atomic_paths([first, second]) as (new_first, new_second):
        new_first.write_bytes(b"new model")
        raise RuntimeError("card could not be written")
    assert first.read_bytes() == b"old model" and second.read_text() == "old card"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.card.json", "model.skops"]


def test_atomic_path_yields_a_temporary_beside_the_destination(tmp_path):
    destination = tmp_path / "out.txt"
    with atomic_path(destination) as temporary:
        assert temporary.parent == tmp_path and temporary != destination
        assert not destination.exists()
        temporary.write_text("done")
    assert destination.read_text() == "done"
    assert not temporary.exists()


def test_unwritable_destination_folder_is_an_output_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(OutputError, match="cannot write here"):
        write_text(blocker / "out.txt", "x")


def test_destination_that_is_a_folder_is_an_output_error(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(OutputError):
        write_text(folder, "x")
    assert folder.is_dir()
    assert list(tmp_path.iterdir()) == [folder]


# -- folders -------------------------------------------------------------------------------------------------


def test_atomic_folder_replaces_its_files_and_keeps_the_users_own(tmp_path):
    destination = tmp_path / "reports"
    destination.mkdir()
    (destination / "index.html").write_text("old")
    (destination / "my-notes.md").write_text("mine")
    with atomic_folder(destination) as staging:
        (staging / "index.html").write_text("new")
        (staging / "sub").mkdir()
        (staging / "sub" / "chart.png").write_bytes(b"png")
    assert (destination / "index.html").read_text() == "new"
    assert (destination / "my-notes.md").read_text() == "mine"
    assert (destination / "sub" / "chart.png").read_bytes() == b"png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]  # staging folder removed


def test_failure_in_atomic_folder_leaves_the_destination_untouched(tmp_path):
    destination = tmp_path / "reports"
    destination.mkdir()
    (destination / "index.html").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_folder(destination) as staging:
            (staging / "index.html").write_text("new")
            raise RuntimeError("chart failed")
    assert (destination / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


# -- training never leaves a half-replaced model ------------------------------------------------------------------

PREVIOUS_MODEL = b"PK\x03\x04 previous model bytes \x00\x01\x02"
PREVIOUS_CARD = b'{"model": "stance", "evaluation": {"models": []}}\n'


def with_previous_model(folder):
    models = folder / "models"
    models.mkdir()
    (models / "stance.skops").write_bytes(PREVIOUS_MODEL)
    (models / "stance.card.json").write_bytes(PREVIOUS_CARD)
    return models / "stance.skops"


@pytest.mark.parametrize(
    "bad_rows, reason",
    [
        ([("Seoul erred.", "blames_tokio")], "unknown label"),
        ([("Seoul erred.", "pro_extension")], "the same sentence is labelled"),  # conflicts with blames_seoul below
        ([("", "blames_seoul")], "empty text"),
    ],
)
def test_training_on_labels_that_fail_validation_leaves_the_model_byte_identical(tmp_path, bad_rows, reason):
    rows = tiny_rows() + [("Seoul erred.", "blames_seoul")] + bad_rows
    labels = make_training_folder(tmp_path / "data", rows)
    out = with_previous_model(tmp_path)
    with pytest.raises(InputDataError, match=reason):
        train([labels], out)
    assert out.read_bytes() == PREVIOUS_MODEL
    assert (out.parent / "stance.card.json").read_bytes() == PREVIOUS_CARD
    assert sorted(p.name for p in out.parent.iterdir()) == ["stance.card.json", "stance.skops"]


def test_training_with_too_few_positives_leaves_the_model_byte_identical(tmp_path):
    rows = [(text, cell) for text, cell in tiny_rows() if cell != "pro_extension"][:-1] + [
        ("The pact is crucial.", "pro_extension"), ("Save the crucial pact.", "pro_extension")
    ]
    labels = make_training_folder(tmp_path / "data", rows)
    out = with_previous_model(tmp_path)
    with pytest.raises(InputDataError, match="'pro_extension' has 2 positive"):
        train([labels], out)
    assert out.read_bytes() == PREVIOUS_MODEL


def test_successful_training_replaces_model_and_cards(tmp_path):
    labels = make_training_folder(tmp_path / "data")
    out = with_previous_model(tmp_path)
    result = train([labels], out)
    assert out.read_bytes() != PREVIOUS_MODEL
    assert (out.parent / "stance.card.json").read_bytes() != PREVIOUS_CARD
    assert (out.parent / "stance.card.md").exists()
    assert result.model.labels == ("blames_seoul", "pro_extension")


def test_training_over_a_model_whose_card_is_foreign_json_succeeds(tmp_path):
    labels = make_training_folder(tmp_path / "data")
    out = with_previous_model(tmp_path)
    (out.parent / "stance.card.json").write_text('{"note": "written by hand"}\n', encoding="utf-8")
    result = train([labels], out)
    assert result.model.labels == ("blames_seoul", "pro_extension")


def test_failure_writing_the_card_leaves_the_previous_model_byte_identical(tmp_path):
    labels = make_training_folder(tmp_path / "data")
    models = tmp_path / "models"
    models.mkdir()
    out = models / "stance.skops"
    out.write_bytes(PREVIOUS_MODEL)
    (models / "stance.card.json").mkdir()  # a folder where the JSON card must go: writing it fails
    with pytest.raises((StanceError, OSError)):
        train([labels], out)
    assert out.read_bytes() == PREVIOUS_MODEL
