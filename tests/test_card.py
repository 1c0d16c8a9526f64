"""stance.card: the model card is reproducible byte for byte, records the data and thresholds,
and tells what changed since the model it replaces."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import TINY_LABELS, TINY_SCHEMA, tiny_rows, with_sources, write_labels_csv

from stance.card import card_json, card_markdown, card_paths, data_hash, metric_changes, read_card
from stance.training import train

DATES = [f"2024-03-{index % 9 + 1:02d}T12:00:00" for index in range(19)] + [""]  # latest: 2024-03-09


@pytest.fixture(scope="module")
def trainings(tmp_path_factory):
    """The same labels file trained twice, into folders 'first' and 'second'. Before the second
    training, 'second' holds a copy of the first model and card, so that training replaces it."""
    root = tmp_path_factory.mktemp("card")
    rows = [(*row, date) for row, date in zip(with_sources(tiny_rows()), DATES)]
    (root / "data").mkdir()
    (root / "data" / "schema.toml").write_text(TINY_SCHEMA, encoding="utf-8")
    labels = write_labels_csv(root / "data" / "labels.csv", rows, header=("text", "labels", "source", "annotated_at"))
    first_out = root / "first" / "tiny.skops"
    first = train([labels], first_out)
    second_out = root / "second" / "tiny.skops"
    second_out.parent.mkdir()
    for path in (first_out, *card_paths(first_out)):
        shutil.copy(path, second_out.parent / path.name)
    second = train([labels], second_out)
    return {"labels": labels, "first": (first, first_out), "second": (second, second_out)}


# -- reproducibility -------------------------------------------------------------------------------------


@pytest.mark.parametrize("card_file", [0, 1], ids=["json", "markdown"])
def test_retraining_on_the_same_data_gives_a_byte_identical_card(trainings, card_file):
    (_, first_out), (_, second_out) = trainings["first"], trainings["second"]
    first_bytes = card_paths(first_out)[card_file].read_bytes()
    assert first_bytes  # not two empty files
    assert card_paths(second_out)[card_file].read_bytes() == first_bytes


def test_written_cards_are_the_json_and_markdown_renderings_of_the_returned_card(trainings):
    result, out = trainings["first"]
    json_path, markdown_path = card_paths(out)
    assert json.loads(json_path.read_text(encoding="utf-8")) == result.card
    assert json_path.read_text(encoding="utf-8") == card_json(result.card)
    assert markdown_path.read_text(encoding="utf-8") == card_markdown(result.card)


def test_card_holds_no_clock_time(trainings):
    result, _ = trainings["first"]
    text = card_json(result.card)
    assert "2024-03-09" in text  # the data's own date is there ...
    for key in ("trained_at", "created", "timestamp", "time"):
        assert f'"{key}"' not in text  # ... but nothing from the clock


# -- contents --------------------------------------------------------------------------------------------


def test_card_records_the_sha256_of_the_training_file(trainings):
    result, _ = trainings["first"]
    expected = hashlib.sha256(trainings["labels"].read_bytes()).hexdigest()
    assert result.card["data"]["sha256"] == expected
    assert result.card["data"]["files"] == ["labels.csv"]


def test_card_counts_rows_positives_unlabelled_rows_and_sources(trainings):
    data = trainings["first"][0].card["data"]
    # tiny_rows: 6 blames_seoul, 6 pro_extension, 8 without a label; dealt round-robin to s0, s1, s2.
    assert data["rows"] == 20
    assert data["positives"] == {"blames_seoul": 6, "pro_extension": 6}
    assert data["unlabelled_rows"] == 8
    assert data["sources"] == {"s0": 7, "s1": 7, "s2": 6}


def test_card_date_is_the_latest_annotation_date_in_the_data(trainings):
    assert trainings["first"][0].card["data"]["date"] == "2024-03-09"


def test_card_thresholds_are_the_models_thresholds_per_label(trainings):
    result, _ = trainings["first"]
    labels = result.card["labels"]
    assert [label["name"] for label in labels] == list(TINY_LABELS)
    assert [label["display"] for label in labels] == ["Blames Seoul", "Pro-extension"]
    assert [label["threshold"] for label in labels] == [float(t) for t in result.model.thresholds_]
    assert all(0 < label["threshold"] < 1 for label in labels)


def test_card_evaluates_the_stance_model_and_both_baselines_leaving_each_source_out(trainings):
    models = trainings["first"][0].card["evaluation"]["models"]
    assert [m["model"] for m in models] == ["stance", "keyword rules", "word n-gram tf-idf", "MiniLM + LR"]
    assert all(m["held_out_sources"] == ["s0", "s1", "s2"] for m in models)
    assert all(set(m["per_label"]) == set(TINY_LABELS) for m in models)


def test_card_says_which_sentences_its_scores_count_and_warns_of_labels_with_few_of_them(tmp_path):
    from conftest import TINY_SCHEMA

    (tmp_path / "schema.toml").write_text(TINY_SCHEMA, encoding="utf-8")
    written = [(*row, "written") for row in with_sources(tiny_rows())]
    user = [(text, labels, "s3", "user") for text, labels, *_ in tiny_rows()[:4]]
    labels = write_labels_csv(tmp_path / "labels.csv", written + user, header=("text", "labels", "source", "provenance"))
    result = train([labels], tmp_path / "tiny.skops")
    evaluation = result.card["evaluation"]
    assert evaluation["scored"].startswith("scored on the 4 sentences of real text")
    supports = {name: scores["support"] for name, scores in evaluation["models"][0]["per_label"].items()}
    assert evaluation["few_positives"] == {name: count for name, count in supports.items() if count < 3}
    assert evaluation["few_positives"]  # four sentences cannot hold three positives of every label
    markdown = card_paths(tmp_path / "tiny.skops")[1].read_text(encoding="utf-8")
    for name, count in evaluation["few_positives"].items():
        assert f"Only {count} scored sentence(s) carry {name}" in markdown


def test_a_card_of_data_with_no_provenance_scores_every_sentence(trainings):
    assert trainings["first"][0].card["evaluation"]["scored"] == "scored on all 20 sentences"
    assert trainings["first"][0].card["evaluation"]["few_positives"] == {}


def test_card_markdown_shows_the_hash_prefix_positives_and_thresholds(trainings):
    result, out = trainings["first"]
    markdown = card_paths(out)[1].read_text(encoding="utf-8")
    assert result.card["data"]["sha256"][:16] in markdown
    for label in result.card["labels"]:
        positives = result.card["data"]["positives"][label["name"]]
        row = f"| {label['display']} (`{label['name']}`) | {positives} | {label['threshold']:.3f} |"
        assert row in markdown
    assert "Sentences: 20, of which 8 carry no label" in markdown
    assert "Sources: s0 (7), s1 (7), s2 (6)" in markdown


def test_data_hash_of_several_files_is_the_hash_of_their_concatenation(tmp_path):
    one, two = tmp_path / "a.csv", tmp_path / "b.csv"
    one.write_bytes(b"text,labels\nfirst,\n")
    two.write_bytes(b"text,labels\nsecond,\n")
    assert data_hash([one, two]) == hashlib.sha256(one.read_bytes() + two.read_bytes()).hexdigest()
    assert data_hash([one, two]) != data_hash([two, one])


# -- what changed ------------------------------------------------------------------------------------------


def card_with(macro: float, per_label: dict[str, float], model: str = "stance", data: str = "same") -> dict:
    return {"data": {"sha256": data, "rows": 10},
            "evaluation": {"models": [{"model": model, "macro_f1": macro,
                                       "per_label": {name: {"f1": f1} for name, f1 in per_label.items()}}]}}


def test_metric_changes_report_old_and_new_value_of_macro_and_each_label():
    old = card_with(0.5, {"a": 0.4, "b": 0.6})
    new = card_with(0.7, {"a": 0.8, "b": 0.6})
    assert metric_changes(old, new) == [("macro_f1", 0.5, 0.7), ("f1 a", 0.4, 0.8), ("f1 b", 0.6, 0.6)]


def test_scores_on_other_training_data_are_not_compared():
    old = card_with(0.5, {"a": 0.4}, data="old data")
    new = card_with(0.7, {"a": 0.8}, data="new data")
    assert metric_changes(old, new) == [("macro_f1", None, 0.7), ("f1 a", None, 0.8)]


def test_metric_changes_of_a_first_training_have_no_old_value():
    assert metric_changes(None, card_with(0.7, {"a": 0.8})) == [("macro_f1", None, 0.7), ("f1 a", None, 0.8)]


def test_metric_changes_give_none_for_a_label_the_old_card_did_not_have():
    old = card_with(0.5, {"a": 0.4})
    new = card_with(0.6, {"a": 0.5, "new_label": 0.7})
    assert metric_changes(old, new)[-1] == ("f1 new_label", None, 0.7)


def test_metric_changes_ignore_an_old_card_without_a_stance_model():
    old = card_with(0.9, {"a": 0.9}, model="keyword rules")
    assert metric_changes(old, card_with(0.7, {"a": 0.8})) == [("macro_f1", None, 0.7), ("f1 a", None, 0.8)]


def test_first_training_reports_new_values_only_and_replaces_nothing(trainings):
    result, _ = trainings["first"]
    assert result.replaced is False
    assert [name for name, _, _ in result.changes] == ["macro_f1", "f1 blames_seoul", "f1 pro_extension"]
    assert all(old is None for _, old, _ in result.changes)


def test_retraining_over_a_model_reports_old_to_new_from_its_card(trainings):
    first, second = trainings["first"][0], trainings["second"][0]
    assert second.replaced is True
    stance = next(m for m in first.card["evaluation"]["models"] if m["model"] == "stance")
    expected_old = [stance["macro_f1"]] + [stance["per_label"][name]["f1"] for name in TINY_LABELS]
    assert [old for _, old, _ in second.changes] == expected_old
    assert [new for _, _, new in second.changes] == expected_old  # same data, same scores


# -- reading cards ---------------------------------------------------------------------------------------


def write_card(tmp_path: Path, text: str | None) -> Path:
    model = tmp_path / "model.skops"
    if text is not None:
        card_paths(model)[0].write_text(text, encoding="utf-8")
    return model


@pytest.mark.parametrize(
    "text",
    [
        None,  # no card at all
        '{"note": "written by hand"}',
        "[1, 2, 3]",
        '"just a string"',
        "not json at all {",
        '{"evaluation": {"models": "stance"}}',
        '{"evaluation": {"models": [1, 2]}}',
        '{"evaluation": null}',
        '{"evaluation": ["stance"]}',
    ],
)
def test_read_card_returns_none_for_a_missing_unreadable_or_foreign_card(tmp_path, text):
    assert read_card(write_card(tmp_path, text)) is None


def test_read_card_returns_a_card_with_a_list_of_model_entries(tmp_path):
    card = card_with(0.7, {"a": 0.8})
    assert read_card(write_card(tmp_path, json.dumps(card))) == card


def test_card_paths_sit_beside_the_model_file():
    assert card_paths(Path("models/stance.skops")) == (Path("models/stance.card.json"), Path("models/stance.card.md"))


def test_card_paths_of_a_dotted_model_name_keep_the_whole_name():
    assert card_paths(Path("models/stance.v2.skops")) == (
        Path("models/stance.v2.card.json"), Path("models/stance.v2.card.md")
    )
