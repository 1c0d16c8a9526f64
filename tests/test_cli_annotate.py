"""`stance annotate` driven key by key (CliRunner, and the installed script killed mid-session),
and `stance sentences --unlabelled`, the file-based way to label what is left."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, TINY_LABELS, make_training_folder, tiny_rows, write_labels_csv
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import UsageError
from stance.labels import parse_labels, read_label_table

SHIPPED_MODEL = ROOT / "models" / "stance.skops"
MODEL_LABELS = ("pro_extension", "blames_seoul", "blames_tokyo", "blames_us")  # keys 1-4, in this order
ALREADY_LABELLED = 10  # the first rows of seeds/labels.csv go into the corpus's labels file
EXTRA_COLUMN = "second_look"  # a column of the user's own, which annotation must keep
SCRIPT = Path(sys.executable).parent / "stance"


def build_corpus(folder: Path) -> Path:
    """A copy of the seed articles with a labels file holding only the first seed labels (plus a column)."""
    folder.mkdir(parents=True)
    for path in [*SEEDS.glob("*.txt"), SEEDS / "sources.csv", SEEDS / "schema.toml", SEEDS / "speakers.csv"]:
        shutil.copy(path, folder / path.name)
    with (SEEDS / "labels.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [*reader.fieldnames, EXTRA_COLUMN]
        rows = [{**row, EXTRA_COLUMN: "yes" if index % 3 == 0 else ""} for index, row in enumerate(reader)]
    with (folder / "labels.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows[:ALREADY_LABELLED])
    return folder


def csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def shown(result) -> list[str]:
    """The sentences the session put to the annotator, in order (the '> ' lines)."""
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("> ")]


@pytest.fixture(scope="session")
def model_file(tmp_path_factory) -> Path:
    """A copy of the shipped model: a retrain must never be able to touch the real one."""
    path = tmp_path_factory.mktemp("model") / "stance.skops"
    shutil.copy(SHIPPED_MODEL, path)
    return path


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return build_corpus(tmp_path / "corpus")


@pytest.fixture(scope="module")
def queue(tmp_path_factory, model_file):
    """What the default strategy asks, in order, for a corpus built like `corpus`: (id, text, guess) rows."""
    from stance.annotate import order_candidates, unlabelled
    from stance.corpus import Corpus
    from stance.persist import load_model
    from stance.sentences import sentence_table

    folder = build_corpus(tmp_path_factory.mktemp("expected") / "corpus")
    table = sentence_table(Corpus.open(folder))
    remaining = unlabelled(table, folder / "labels.csv")
    labelled = table.drop(index=remaining.index)
    ordered = order_candidates(remaining, load_model(model_file), None, "suggest", labelled=labelled)
    return list(zip(ordered["id"], ordered["text"], ordered["guess"])), len(table)


@pytest.fixture()
def annotate(corpus, model_file):
    def run(keys: str, *options: str):
        return CliRunner().invoke(
            app, ["annotate", str(corpus), "--model", str(model_file), "--annotator", "ana", *options], input=keys
        )

    return run


def new_rows(corpus: Path) -> list[dict[str, str]]:
    return csv_rows(corpus / "labels.csv")[1][ALREADY_LABELLED:]


def assert_still_a_valid_labels_file(corpus: Path) -> None:
    table = read_label_table(corpus / "labels.csv")
    for cell in table["labels"]:
        assert set(parse_labels(cell)) <= set(MODEL_LABELS)


# -- answers ---------------------------------------------------------------------------------------------------


def test_answers_land_in_the_labels_file_in_the_order_given_with_the_toggled_labels(annotate, corpus, queue):
    order, _ = queue
    original_header, original_rows = csv_rows(corpus / "labels.csv")
    start = datetime.now(timezone.utc).replace(microsecond=0)
    # 1,3 then enter | n (none) | a (the model's guess) | 1,3,3,2 then enter (3 toggled off again) | 3,1 then enter
    result = annotate("13\r" + "n" + "a" + "1332\r" + "31\r")
    end = datetime.now(timezone.utc)
    assert result.exit_code == 0, (result.stdout, result.stderr)

    header, rows = csv_rows(corpus / "labels.csv")
    assert header == [*original_header, "annotator", "annotated_at"]
    assert [{k: row[k] for k in original_header} for row in rows[:ALREADY_LABELLED]] == original_rows
    added = rows[ALREADY_LABELLED:]
    assert [(row["id"], row["text"]) for row in added] == [(sentence_id, text) for sentence_id, text, _ in order[:5]]
    assert [row["labels"] for row in added] == [
        "pro_extension;blames_tokyo",
        "",
        order[2][2],
        "pro_extension;blames_seoul",
        "pro_extension;blames_tokyo",  # saved in the model's label order, whatever order the keys came in
    ]
    assert {row["annotator"] for row in added} == {"ana"}
    assert {row[EXTRA_COLUMN] for row in added} == {""}
    for row in added:
        assert start <= datetime.fromisoformat(row["annotated_at"]) <= end
        assert datetime.fromisoformat(row["annotated_at"]).utcoffset() == timedelta(0)
    assert shown(result) == [text for _, text, _ in order[:6]]  # the sixth is on screen when the input ends
    assert "5 answer(s) saved" in result.stdout
    assert_still_a_valid_labels_file(corpus)


def test_a_new_labels_file_gets_the_codebook_columns(corpus, model_file, tmp_path):
    fresh = tmp_path / "fresh.csv"
    arguments = ["annotate", str(corpus), "--model", str(model_file), "--labels", str(fresh), "--annotator", "bo"]
    result = CliRunner().invoke(app, arguments, input="2\r")
    assert result.exit_code == 0, result.stderr
    header, rows = csv_rows(fresh)
    assert header == ["id", "source", "text", "labels", "provenance", "note", "annotator", "annotated_at"]
    assert [(row["text"], row["labels"], row["provenance"], row["annotator"]) for row in rows] == [
        (shown(result)[0], "blames_seoul", "user", "bo")
    ]
    assert read_label_table(fresh)["text"].tolist() == [rows[0]["text"]]


def test_keys_outside_the_labels_change_nothing_and_show_the_key_help(annotate, corpus):
    result = annotate("5x0" + "2\r")
    assert result.exit_code == 0
    assert [row["labels"] for row in new_rows(corpus)] == ["blames_seoul"]
    assert result.stdout.count("keys: 1-4 toggle a label") == 1 + 3  # once at the start, once per unknown key


def test_skip_writes_nothing(annotate, corpus):
    before = (corpus / "labels.csv").read_bytes()
    result = annotate("sss")
    assert result.exit_code == 0
    assert (corpus / "labels.csv").read_bytes() == before
    assert "0 answer(s) saved" in result.stdout
    assert "Retrain" not in result.stdout  # nothing new to retrain on


def test_skipped_sentences_are_passed_over_and_the_next_answer_is_recorded(annotate, corpus, queue):
    order, _ = queue
    result = annotate("ss" + "4\r")
    assert result.exit_code == 0
    assert [(row["id"], row["labels"]) for row in new_rows(corpus)] == [(order[2][0], "blames_us")]


def test_quit_key_ends_the_session_and_keeps_what_was_answered(annotate, corpus, queue):
    order, _ = queue
    result = annotate("n" + "q" + "1\r")
    assert result.exit_code == 0
    assert [(row["id"], row["labels"]) for row in new_rows(corpus)] == [(order[0][0], "")]
    assert len(shown(result)) == 2


# -- undo ------------------------------------------------------------------------------------------------------------


def test_undo_removes_the_last_answer_and_asks_the_same_sentence_again(annotate, corpus, queue):
    order, _ = queue
    first, second = order[0][1], order[1][1]
    result = annotate("1\r" + "u" + "2\r")
    assert result.exit_code == 0
    assert "undone" in result.stdout
    assert shown(result) == [first, second, first, second]
    assert [(row["text"], row["labels"]) for row in new_rows(corpus)] == [(first, "blames_seoul")]
    assert_still_a_valid_labels_file(corpus)


def test_undo_after_a_skip_goes_back_to_the_last_answered_sentence(annotate, corpus, queue):
    order, _ = queue
    texts = [text for _, text, _ in order]
    result = annotate("1\r" + "s" + "u" + "4\r")
    assert shown(result)[:5] == [texts[0], texts[1], texts[2], texts[0], texts[1]]
    assert [(row["text"], row["labels"]) for row in new_rows(corpus)] == [(texts[0], "blames_us")]


def test_undo_twice_takes_back_both_answers_and_keeps_the_old_rows(annotate, corpus):
    original_header, original_rows = csv_rows(corpus / "labels.csv")
    result = annotate("a" + "n" + "u" + "u")
    assert result.stdout.count("undone") == 2
    header, rows = csv_rows(corpus / "labels.csv")
    assert [{k: row[k] for k in original_header} for row in rows] == original_rows


def test_undo_with_nothing_answered_says_so_and_stays_on_the_sentence(annotate, corpus, queue):
    order, _ = queue
    before = (corpus / "labels.csv").read_bytes()
    result = annotate("u")
    assert "nothing to undo" in result.stdout
    assert shown(result) == [order[0][1], order[0][1]]
    assert (corpus / "labels.csv").read_bytes() == before


# -- batch, resume, the retrain question --------------------------------------------------------------------------


def test_batch_stops_after_n_answers_and_skips_do_not_count(annotate, corpus, queue):
    order, _ = queue
    result = annotate("s" + "a" + "s" + "n" + "aaaa", "--batch", "2")
    assert result.exit_code == 0
    assert [row["id"] for row in new_rows(corpus)] == [order[1][0], order[3][0]]
    assert len(shown(result)) == 4
    assert "2 answer(s) saved" in result.stdout


def test_second_run_resumes_and_never_offers_a_sentence_already_in_the_file(annotate, corpus, model_file, queue):
    from stance.annotate import order_candidates, unlabelled
    from stance.corpus import Corpus
    from stance.persist import load_model
    from stance.sentences import sentence_table

    _, table_size = queue
    table = sentence_table(Corpus.open(corpus))
    by_margin = order_candidates(unlabelled(table, corpus / "labels.csv"), load_model(model_file), None, "uncertain")
    first = annotate("a" + "n" + "3\r", "--strategy", "uncertain")
    assert first.exit_code == 0
    labelled = {(row["source"], row["text"]) for row in csv_rows(corpus / "labels.csv")[1]}
    assert len(labelled) == ALREADY_LABELLED + 3

    second = annotate("s" * 400, "--strategy", "uncertain")  # skip through everything that is left
    assert second.exit_code == 0
    remaining = table_size - ALREADY_LABELLED - 3
    assert f"{remaining} sentences to label" in second.stdout
    offered = shown(second)
    assert len(offered) == remaining
    assert offered[0] == by_margin["text"].iloc[3]  # where the first run stopped
    assert not {text for _, text in labelled} & set(offered)


def test_a_second_suggest_run_never_offers_a_sentence_already_in_the_file(annotate, corpus, queue):
    order, table_size = queue
    assert annotate("a" + "n" + "3\r").exit_code == 0
    labelled = {row["text"] for row in csv_rows(corpus / "labels.csv")[1]}
    offered = shown(annotate("s" * 400))
    assert len(offered) == table_size - ALREADY_LABELLED - 3
    assert not labelled & set(offered)
    assert {text for _, text, _ in order[:3]} <= labelled  # the first run answered the queue's first three


def test_end_of_input_at_the_retrain_question_means_no(annotate, corpus, model_file):
    before = model_file.read_bytes()
    result = annotate("a")
    assert result.exit_code == 0, result.stderr
    assert "Retrain the model with these labels now? [y/N]" in result.stdout
    assert "model written" not in result.stdout
    assert model_file.read_bytes() == before
    assert not list(corpus.glob(".labels.before-session*"))


def test_a_fully_labelled_corpus_has_nothing_to_ask(corpus, model_file):
    shutil.copy(SEEDS / "labels.csv", corpus / "labels.csv")  # every sentence of the seed corpus
    before = (corpus / "labels.csv").read_bytes()
    result = CliRunner().invoke(app, ["annotate", str(corpus), "--model", str(model_file)], input="a")
    assert result.exit_code == 0, result.stderr
    assert "nothing to label" in result.stderr
    assert shown(result) == []
    assert (corpus / "labels.csv").read_bytes() == before


def test_annotation_can_start_from_a_labels_file_with_only_a_header(corpus, model_file):
    (corpus / "labels.csv").write_text("id,source,text,labels,note\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["annotate", str(corpus), "--model", str(model_file)], input="4\r")
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(corpus / "labels.csv")[1]
    assert [(row["text"], row["labels"]) for row in rows] == [(shown(result)[0], "blames_us")]


def test_unknown_strategy_is_a_one_line_usage_error(annotate, corpus):
    before = (corpus / "labels.csv").read_bytes()
    result = annotate("a", "--strategy", "loudest")
    assert result.exit_code == UsageError.exit_code
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: --strategy 'loudest' is invalid")
    assert (corpus / "labels.csv").read_bytes() == before


# -- the installed script, fed through a pipe ----------------------------------------------------------------------


def wait_for(condition, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def count_rows(path: Path) -> int:
    try:
        return len(read_label_table(path))
    except Exception:  # a torn file would fail the test later; here we only wait
        return -1


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_9_while_waiting_for_a_key_keeps_every_answer_given_before(corpus, model_file, queue, tmp_path):
    order, _ = queue
    assert SCRIPT.exists(), f"no console script at {SCRIPT}: is the package installed?"
    labels = corpus / "labels.csv"
    original_header, original_rows = csv_rows(labels)
    log = tmp_path / "stdout.txt"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [str(SCRIPT), "annotate", str(corpus), "--model", str(model_file), "--annotator", "kim"],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
        try:
            process.stdin.write(b"13\r" + b"n" + b"a" + b"2")  # three answers, and a fourth being typed
            process.stdin.flush()
            wait_for(lambda: count_rows(labels) == ALREADY_LABELLED + 3, what="three answers in the labels file")
            wait_for(lambda: "selected: blames_seoul" in log.read_text(encoding="utf-8"), what="the fourth key")
            assert process.poll() is None, "the session ended before it was killed"
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdin.close()

    header, rows = csv_rows(labels)
    assert header == [*original_header, "annotator", "annotated_at"]
    assert [{k: row[k] for k in original_header} for row in rows[:ALREADY_LABELLED]] == original_rows
    assert [(row["id"], row["labels"], row["annotator"]) for row in rows[ALREADY_LABELLED:]] == [
        (order[0][0], "pro_extension;blames_tokyo", "kim"),
        (order[1][0], "", "kim"),
        (order[2][0], order[2][2], "kim"),
    ]
    assert len(read_label_table(labels)) == ALREADY_LABELLED + 3
    assert not [p.name for p in corpus.iterdir() if p.name.endswith(".tmp")]  # no half-written temporary


def test_a_crlf_line_ending_from_a_pipe_is_one_enter_not_two_answers(corpus, model_file, queue, tmp_path):
    order, _ = queue
    completed = subprocess.run(
        [str(SCRIPT), "annotate", str(corpus), "--model", str(model_file), "--annotator", "kim"],
        input=b"1\r\n",
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert [(row["id"], row["labels"]) for row in new_rows(corpus)] == [(order[0][0], "pro_extension")]


# -- sentences --unlabelled -------------------------------------------------------------------------------------------


def test_sentences_unlabelled_prints_only_what_is_not_in_the_labels_file(corpus, queue):
    _, table_size = queue
    result = CliRunner().invoke(app, ["sentences", str(corpus), "--unlabelled"])
    assert result.exit_code == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    rows = list(reader)
    assert reader.fieldnames == ["id", "source", "text", "labels", "note"]
    labelled_ids = {row["id"] for row in csv_rows(corpus / "labels.csv")[1]}
    assert len(rows) == table_size - ALREADY_LABELLED
    assert not labelled_ids & {row["id"] for row in rows}
    assert {row["labels"] for row in rows} == {""} and {row["note"] for row in rows} == {""}
    everything = CliRunner().invoke(app, ["sentences", str(corpus)])
    all_ids = [row["id"] for row in csv.DictReader(io.StringIO(everything.stdout))]
    assert [row["id"] for row in rows] == [i for i in all_ids if i not in labelled_ids]  # table order kept


def test_sentences_unlabelled_reads_the_labels_option(corpus, tmp_path):
    elsewhere = write_labels_csv(
        tmp_path / "mine.csv", [("bloomberg-nov22", "Japan, South Korea Make Last-Minute Push to Save Intel Pact", "")],
        header=("source", "text", "labels"),
    )
    result = CliRunner().invoke(app, ["sentences", str(corpus), "--unlabelled", "--labels", str(elsewhere)])
    assert result.exit_code == 0, result.stderr
    ids = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert "bloomberg-nov22-000-00" not in ids
    assert "bloomberg-nov22-001-00" in ids  # labelled in corpus/labels.csv, but that file was not asked about


def test_sentences_unlabelled_once_filled_in_is_accepted_by_train(tmp_path):
    # A tiny corpus: the synthetic labelled sentences spread over three articles, one per source.
    folder = tmp_path / "tiny"
    make_training_folder(folder, rows=[])  # the tiny schema; the labels file is replaced below
    answers = dict(tiny_rows())
    texts = list(answers)
    sources = ["alpha", "beta", "gamma"]
    manifest = ["file,source,outlet,published,headline"]
    for number, source in enumerate(sources):
        (folder / f"{source}.txt").write_text("\n".join(texts[number::3]) + "\n", encoding="utf-8")
        manifest.append(f"{source}.txt,{source},{source.title()},2019-11-22,")
    (folder / "sources.csv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    done = [(source, text, answers[text]) for source in sources for text in texts[sources.index(source)::3][:1]]
    write_labels_csv(folder / "labels.csv", done, header=("source", "text", "labels"))

    listed = CliRunner().invoke(app, ["sentences", str(folder), "--unlabelled"])
    assert listed.exit_code == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert len(rows) == len(texts) - len(done)
    for row in rows:  # the annotator fills in the labels column
        row["labels"] = answers[row["text"]]
    filled = folder / "filled.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "source", "text", "labels", "note"])
        writer.writeheader()
        writer.writerows(rows)

    out = tmp_path / "model.skops"
    trained = CliRunner().invoke(app, ["train", str(filled), "--out", str(out)])
    assert trained.exit_code == 0, trained.stderr
    from stance.persist import load_model

    assert tuple(load_model(out).labels) == TINY_LABELS
