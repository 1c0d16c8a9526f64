"""stance.labels: reading labels files in the codebook's format, and the seed labels file itself."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SEEDS

from stance.errors import InputDataError
from stance.labels import MIN_POSITIVES, parse_labels, read_label_table, read_labelled

LABELS = ("blames_seoul", "pro_extension")

# Three positives of each label: the smallest valid file.
VALID_BODY = (
    "Seoul was wrong.,blames_seoul\n"
    "Seoul erred.,blames_seoul\n"
    "Seoul blundered.,blames_seoul;pro_extension\n"
    "Save the pact.,pro_extension\n"
    "Keep the pact.,pro_extension\n"
    "They met on Friday.,\n"
)


def write(tmp_path, content: str | bytes, name: str = "labels.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def error_of(path, labels=LABELS) -> InputDataError:
    with pytest.raises(InputDataError) as caught:
        read_labelled(path, labels)
    return caught.value


# -- a valid file ----------------------------------------------------------------------------------------


def test_valid_file_gives_an_indicator_matrix_in_label_order(tmp_path):
    data = read_labelled(write(tmp_path, "text,labels\n" + VALID_BODY), LABELS)
    assert data.label_names == LABELS
    assert data.Y.tolist() == [[1, 0], [1, 0], [1, 1], [0, 1], [0, 1], [0, 0]]
    assert data.frame["line"].tolist() == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("blames_seoul", ["blames_seoul"]),
        ("Blames_Seoul", ["blames_seoul"]),
        (" blames_seoul ; PRO_EXTENSION ", ["blames_seoul", "pro_extension"]),
        ("blames_seoul;;", ["blames_seoul"]),
        ("", []),
        ("  ", []),
    ],
)
def test_label_cell_ignores_case_spaces_and_empty_names(cell, expected):
    assert parse_labels(cell) == expected


def test_wrong_case_and_spaces_in_a_file_are_normalised(tmp_path):
    body = VALID_BODY.replace("Seoul was wrong.,blames_seoul", 'Seoul was wrong.," Blames_Seoul "')
    data = read_labelled(write(tmp_path, "text,labels\n" + body), LABELS)
    assert data.Y[0].tolist() == [1, 0]


def test_optional_and_extra_columns_are_kept(tmp_path):
    content = "id,source,text,labels,note\n" + "".join(
        f"s-{i},outlet,{line.rsplit(',', 1)[0]},{line.rsplit(',', 1)[1]},why {i}\n"
        for i, line in enumerate(VALID_BODY.splitlines())
    )
    data = read_labelled(write(tmp_path, content), LABELS)
    assert data.frame["note"].tolist() == [f"why {i}" for i in range(6)]
    assert list(data.groups) == ["outlet"] * 6


def test_groups_are_none_when_a_source_is_missing(tmp_path):
    data = read_labelled(write(tmp_path, "text,labels\n" + VALID_BODY), LABELS)
    assert data.groups is None


def test_bom_and_crlf_just_work(tmp_path):
    content = ("\ufefftext,labels\r\n" + VALID_BODY.replace("\n", "\r\n")).encode("utf-8")
    data = read_labelled(write(tmp_path, content), LABELS)
    assert list(data.frame.columns[:3]) == ["line", "text", "labels"]
    assert data.frame["text"].iloc[0] == "Seoul was wrong."
    assert data.frame["line"].tolist() == [2, 3, 4, 5, 6, 7]


def test_embedded_newline_in_a_quoted_field_keeps_later_line_numbers_physical(tmp_path):
    content = (
        "text,labels\n"           # line 1
        '"A sentence\n'           # line 2
        'over two lines.",\n'     # line 3
        + VALID_BODY              # lines 4-9
        + "Bad row.,not_a_label\n"  # line 10
    )
    path = write(tmp_path, content)
    table = read_label_table(path)
    assert table["text"].iloc[0] == "A sentence\nover two lines."
    assert table["line"].tolist()[1:] == [4, 5, 6, 7, 8, 9, 10]
    error = error_of(path)
    assert error.line == 10
    assert "labels.csv line 10" in str(error)


def test_blank_lines_are_skipped_but_counted(tmp_path):
    path = write(tmp_path, "text,labels\n\nSeoul was wrong.,blames_seoul\n\n\nBad.,nope\n")
    assert error_of(path).line == 6


# -- errors that name file and line ------------------------------------------------------------------------


def test_unknown_label_is_an_error_naming_file_line_and_label(tmp_path):
    path = write(tmp_path, "text,labels\n" + VALID_BODY + "Tokyo erred.,blames_tokio\n")
    error = error_of(path)
    message = str(error)
    assert message.startswith("labels.csv line 8: ")
    assert "'blames_tokio'" in message
    assert "blames_seoul" in message  # the known labels are listed


@pytest.mark.parametrize(
    "header, missing",
    [("sentence,labels", "'text'"), ("text,label", "'labels'"), ("id,source", "'text', 'labels'")],
)
def test_missing_required_column_is_an_error_naming_it(tmp_path, header, missing):
    error = error_of(write(tmp_path, header + "\nSeoul was wrong.,blames_seoul\n"))
    assert error.line == 1
    assert f"missing column(s) {missing}" in str(error)
    assert "labels.csv" in str(error)


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff"], ids=["empty", "blank-lines", "bom-only"])
def test_empty_file_is_an_error(tmp_path, content):
    assert "is empty" in str(error_of(write(tmp_path, content)))


@pytest.mark.parametrize("content", ["text,labels\n", "text,labels\n\n,\n"], ids=["header", "header-and-empty-row"])
def test_header_only_file_is_an_error(tmp_path, content):
    assert "no labelled sentence" in str(error_of(write(tmp_path, content)))


def test_label_with_fewer_than_three_positives_is_an_error_naming_it(tmp_path):
    assert MIN_POSITIVES == 3
    body = VALID_BODY.replace("Keep the pact.,pro_extension", "Keep the pact.,")  # pro_extension: 3 -> 2
    error = error_of(write(tmp_path, "text,labels\n" + body))
    assert "'pro_extension' has 2 positive" in str(error)
    assert "labels.csv" in str(error)


def test_row_with_more_fields_than_the_header_names_its_line(tmp_path):
    error = error_of(write(tmp_path, "text,labels\nSeoul, as ever, was wrong.,blames_seoul\n"))
    assert error.line == 2
    assert "has 4 fields but the header has 2" in str(error)  # two commas in the text split it


def test_row_with_empty_text_names_its_line(tmp_path):
    error = error_of(write(tmp_path, "text,labels\n" + VALID_BODY + "  ,blames_seoul\n"))
    assert (error.line, "empty text" in str(error)) == (8, True)


def test_non_utf8_labels_file_is_an_error_naming_the_file(tmp_path):
    error = error_of(write(tmp_path, b"text,labels\nCaf\xe9.,\n"))
    assert "labels.csv line 2" in str(error)
    assert "UTF-8" in str(error)


# -- duplicates --------------------------------------------------------------------------------------------


def test_duplicated_sentence_with_conflicting_labels_is_an_error_naming_both_lines(tmp_path):
    path = write(tmp_path, "text,labels\n" + VALID_BODY + "Seoul was wrong.,pro_extension\n")
    message = str(error_of(path))
    assert "line 2" in message and "line 8" in message
    assert "blames_seoul" in message and "pro_extension" in message


def test_duplicated_sentence_with_the_same_labels_is_kept_once(tmp_path):
    path = write(tmp_path, "text,labels\n" + VALID_BODY + "Seoul was wrong., BLAMES_SEOUL \n")
    data = read_labelled(path, LABELS)
    assert len(data.frame) == 6
    assert data.Y[:, 0].sum() == 3


def test_same_sentence_in_two_sources_is_two_sentences(tmp_path):
    body = "".join(f"a,{line}\n" for line in VALID_BODY.splitlines()) + "b,Seoul was wrong.,\n"
    data = read_labelled(write(tmp_path, "source,text,labels\n" + body), LABELS)
    assert len(data.frame) == 7


def test_conflict_across_two_files_names_both_files(tmp_path):
    first = write(tmp_path, "text,labels\n" + VALID_BODY, name="first.csv")
    second = write(tmp_path, "text,labels\nSeoul was wrong.,\n", name="second.csv")
    with pytest.raises(InputDataError) as caught:
        read_labelled([first, second], LABELS)
    assert "first.csv" in str(caught.value) and "second.csv" in str(caught.value)


def test_duplicate_differing_only_in_surrounding_spaces_is_kept_once(tmp_path):
    path = write(tmp_path, "text,labels\n" + VALID_BODY + '"Seoul was wrong. ",blames_seoul\n')
    data = read_labelled(path, LABELS)
    assert len(data.frame) == 6
    assert data.Y[:, 0].sum() == 3


# -- the seed labels file follows the codebook -------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_labels() -> pd.DataFrame:
    return pd.read_csv(SEEDS / "labels.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def test_seed_labels_file_has_the_codebook_columns(seed_labels):
    assert {"text", "labels", "source", "id", "note"} <= set(seed_labels.columns)


def test_seed_labels_use_only_label_names_of_the_schema(seed_labels, seed_schema):
    used = {name for cell in seed_labels["labels"] for name in parse_labels(cell)}
    assert used <= set(seed_schema.label_names)
    # and they are written as the schema spells them, not left to normalisation
    written = {name.strip() for cell in seed_labels["labels"] for name in cell.split(";") if name.strip()}
    assert written <= set(seed_schema.label_names)


def test_seed_labels_hold_no_sentence_twice_within_one_source(seed_labels):
    assert not seed_labels.duplicated(subset=["source", "text"]).any()


def test_every_sentence_of_the_seed_sentence_table_is_labelled(seed_labels, seed_table):
    labelled = set(zip(seed_labels["source"], seed_labels["text"]))
    missing = [(s, t) for s, t in zip(seed_table["source"], seed_table["text"]) if (s, t) not in labelled]
    assert missing == []


def test_every_labelled_seed_sentence_has_a_note(seed_labels):
    labelled = seed_labels[seed_labels["labels"].str.strip() != ""]
    assert len(labelled) > 0
    assert (labelled["note"].str.strip() != "").all(), labelled.loc[labelled["note"].str.strip() == "", "id"].tolist()


def test_seed_labels_file_passes_validation(seed_schema):
    data = read_labelled(SEEDS / "labels.csv", seed_schema.label_names)
    assert (data.Y.sum(axis=0) >= MIN_POSITIVES).all()
    assert data.groups is not None  # every row names its source, so leave-one-source-out can run


@pytest.mark.parametrize(
    "text, label",
    [
        # The codebook's own examples, where they occur in the seed corpus.
        ("Japan and South Korea made a last-ditch effort to save their expiring intelligence pact, after the Trump "
         "administration pressed its two allies to prevent their feud from dealing a lasting blow to the U.S.’s "
         "regional security network.", "pro_extension"),
        ("The pact will expire at 12:01 a.m. on Nov. 23 unless Seoul reverses course.", ""),
        ("South Korea has demanded the removal of the curbs, which it saw as a political tool that undermined "
         "trust.", "blames_tokyo"),
        ("Unwilling or unable?", "blames_us"),
        ("“It’s absolutely essential.", "pro_extension"),
        ("The agreement could be the most significant casualty yet of a dispute between Japanese Prime Minister "
         "Shinzo Abe and South Korean President Moon Jae-in that rapidly escalated over the past year as the U.S. sat "
         "largely on the sidelines.", "blames_us"),
    ],
)
def test_seed_labels_agree_with_the_codebook_examples(seed_labels, text, label):
    cells = seed_labels.loc[seed_labels["text"] == text, "labels"].tolist()
    assert len(cells) == 1
    assert ";".join(sorted(parse_labels(cells[0]))) == label


def test_a_sentence_labelled_apart_in_two_files_is_refused_unless_the_first_file_wins(tmp_path):
    first = tmp_path / "new.csv"
    first.write_text("text,labels,source\nSeoul erred.,blames_seoul,a\n", encoding="utf-8")
    second = tmp_path / "old.csv"
    second.write_text("text,labels,source\nSeoul erred.,,a\nTokyo erred.,blames_tokyo,a\n", encoding="utf-8")
    names = ("blames_seoul", "blames_tokyo")
    with pytest.raises(InputDataError, match="the same sentence is labelled"):
        read_labelled([first, second], names, min_positives=0)
    data = read_labelled([first, second], names, min_positives=0, first_file_wins=True)
    assert list(data.frame["text"]) == ["Seoul erred.", "Tokyo erred."]
    assert data.Y.tolist() == [[1, 0], [0, 1]]
