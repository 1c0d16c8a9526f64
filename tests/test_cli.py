"""stance.cli: help for every command, clean one-line errors with exit codes, and data on stdout."""

from __future__ import annotations

import csv
import re
import shutil
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, TINY_LABELS, make_training_folder, tiny_rows
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import InputDataError, ModelFileError, OutputError, UsageError
from stance.sentences import SENTENCE_COLUMNS

COMMANDS = ["sentences", "train", "evaluate", "classify", "report"]
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def assert_one_line_error(result, exit_code: int):
    assert result.exit_code == exit_code, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert isinstance(result.exception, SystemExit)  # exited on purpose, not by an escaped exception


# -- help ------------------------------------------------------------------------------------------------


def test_top_level_help_lists_every_command(runner):
    result = runner.invoke(app, ["--help"], env=WIDE)
    assert result.exit_code == 0
    assert "Label news sentences" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


def test_no_arguments_shows_help_rather_than_doing_something(runner):
    result = runner.invoke(app, [], env=WIDE)
    assert "Usage" in result.stdout + result.stderr
    assert all(command in result.stdout + result.stderr for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_text(runner, command):
    callback = next(c.callback for c in app.registered_commands if c.callback.__name__ == command)
    first_words = " ".join(callback.__doc__.split()[:4])
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    assert first_words in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "command, shown",
    [("sentences", "seeds/"), ("train", "models/stance.skops"), ("evaluate", "seeds/labels.csv"),
     ("classify", "shipped model"), ("report", "shipped model")],
)
def test_help_shows_the_documented_defaults(runner, command, shown):
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert shown in result.stdout


def test_installed_console_script_answers_help():
    script = Path(sys.executable).parent / "stance"
    assert script.exists(), f"no console script at {script}: is the package installed?"
    completed = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    assert "Usage: stance" in completed.stdout
    assert all(command in completed.stdout for command in COMMANDS)


# -- sentences -------------------------------------------------------------------------------------------------


def test_sentences_seeds_writes_the_sentence_table_as_csv_to_stdout(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["sentences", "seeds"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == SENTENCE_COLUMNS
    assert 150 <= len(rows) <= 170
    assert rows[0]["text"] == "Japan, South Korea Make Last-Minute Push to Save Intel Pact"
    assert "ADVERTISEMENT" not in result.stdout
    assert result.stderr == ""  # stdout is data only; a clean corpus gives no warning


def test_sentences_output_option_writes_the_same_csv_to_a_file(runner, tmp_path):
    out = tmp_path / "sentences.csv"
    to_file = runner.invoke(app, ["sentences", str(ROOT / "seeds"), "--output", str(out)])
    to_stdout = runner.invoke(app, ["sentences", str(ROOT / "seeds")])
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    assert "wrote" in to_file.stderr


def test_quiet_silences_the_status_line(runner, tmp_path):
    result = runner.invoke(app, ["--quiet", "sentences", str(ROOT / "seeds"), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_bare_folder_of_articles_gets_one_warning_line_per_missing_file_and_is_read(runner, tmp_path):
    for index in range(23):
        (tmp_path / f"story-{index:02}.txt").write_text("Seoul said no to the pact.\n", encoding="utf-8")
    result = runner.invoke(app, ["sentences", str(tmp_path)])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("warning: ") for line in lines)
    assert "no sources.csv" in lines[0] and "schema.toml" in lines[1] and "shipped story" in lines[1]
    assert "no speakers.csv" in lines[2] and "shipped story's" in lines[2]
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["source"], row["text"]) for row in rows][:1] == [("story-00", "Seoul said no to the pact.")]


# -- classify --------------------------------------------------------------------------------------------------


def test_classify_text_prints_one_labelled_row(runner, tiny_model_file):
    result = runner.invoke(app, ["classify", "--model", str(tiny_model_file), "--text", "Seoul made a mistaken decision."])
    assert result.exit_code == 0, result.stderr
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(row) == ["text", "labels", *TINY_LABELS, *(f"p_{name}" for name in TINY_LABELS)]
    assert row["blames_seoul"] == "1" and row["labels"] == "blames_seoul"


def test_classify_stdin_and_file_give_the_same_output(runner, tiny_model_file, tmp_path):
    sentences = "Seoul made a mistaken decision.\nThe pact is crucial.\nThey had lunch.\n"
    path = tmp_path / "in.txt"
    path.write_text(sentences, encoding="utf-8")
    from_file = runner.invoke(app, ["classify", str(path), "--model", str(tiny_model_file)])
    from_stdin = runner.invoke(app, ["classify", "-", "--model", str(tiny_model_file)], input=sentences)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout
    assert len(from_file.stdout.strip().splitlines()) == 4


def _seed_corpus_copy(folder):
    folder.mkdir()
    for path in SEEDS.iterdir():
        if path.suffix in (".txt", ".csv", ".toml"):
            shutil.copy(path, folder / path.name)
    return folder


def test_classify_a_corpus_folder_gives_its_sentences_with_their_article_and_place(runner, tiny_model_file, tmp_path):
    corpus = _seed_corpus_copy(tmp_path / "corpus")
    result = runner.invoke(app, ["classify", str(corpus), "--model", str(tiny_model_file)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"file", "source", "paragraph", "sentence", "text", "labels"} <= set(rows[0])
    sentences = runner.invoke(app, ["sentences", str(corpus)]).stdout
    assert [row["text"] for row in rows] == [row["text"] for row in csv.DictReader(io.StringIO(sentences))]
    assert {row["source"] for row in rows} == {"bloomberg-nov22", "bloomberg-aug23", "bloomberg-reprint", "breitbart", "japantimes"}


def test_classify_names_a_stray_table_in_a_corpus_folder_first_and_reads_only_the_articles(runner, tiny_model_file, tmp_path):
    corpus = _seed_corpus_copy(tmp_path / "corpus")
    clean = runner.invoke(app, ["classify", str(corpus), "--model", str(tiny_model_file)])
    (corpus / "manifest.csv").write_text("file,source\n", encoding="utf-8")
    (corpus / "to-label.csv").write_text("text\nA sentence to label.\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(corpus), "--model", str(tiny_model_file)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].endswith("not read, not articles of the corpus: manifest.csv, to-label.csv")
    assert result.stdout == clean.stdout


def test_classify_checks_every_table_of_a_folder_before_the_first_row(runner, tiny_model_file, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "a.csv").write_text("text\nThe pact is crucial.\n", encoding="utf-8")
    (folder / "b.csv").write_text("sentence\nSeoul erred.\n", encoding="utf-8")  # no text column
    (folder / "notes.docx").write_bytes(b"PK")
    result = runner.invoke(app, ["classify", str(folder), "--model", str(tiny_model_file)])
    assert_one_line_error(result, InputDataError.exit_code)
    assert "b.csv" in result.stderr and result.stdout == ""
    (folder / "b.csv").unlink()
    result = runner.invoke(app, ["classify", str(folder), "--model", str(tiny_model_file)])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    assert "skipped 1 file(s) of no table format (notes.docx)" in result.stderr


def test_classify_output_file_is_written_and_stdout_stays_empty(runner, tiny_model_file, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "The pact is crucial."}) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["classify", str(source), "--model", str(tiny_model_file), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["id"], row["pro_extension"]) == ("1", "1")


# -- bad input: one line on stderr, the exit code of its kind, no traceback ----------------------------------------


def _bad_article_corpus(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Seoul said \xff no.\n")
    return ["sentences", str(tmp_path)]


def _garbage_model(tmp_path):
    (tmp_path / "model.skops").write_bytes(b"not a model")
    (tmp_path / "in.txt").write_text("Seoul erred.\n")
    return ["classify", str(tmp_path / "in.txt"), "--model", str(tmp_path / "model.skops")]


def _bad_labels(tmp_path):
    labels = make_training_folder(tmp_path / "data", tiny_rows() + [("Tokyo erred.", "blames_tokio")])
    return ["train", str(labels), "--out", str(tmp_path / "model.skops")]


def _labels_without_source(tmp_path):
    return ["evaluate", str(make_training_folder(tmp_path / "data"))]


def _bad_jsonl(tmp_path, model):
    (tmp_path / "in.jsonl").write_text('{"text": "fine"}\n{oops\n')
    return ["classify", str(tmp_path / "in.jsonl"), "--model", str(model)]


def _empty_csv(tmp_path, model):
    (tmp_path / "in.csv").write_text("")
    return ["classify", str(tmp_path / "in.csv"), "--model", str(model)]


def _output_is_a_folder(tmp_path):
    (tmp_path / "out").mkdir()
    return ["sentences", str(ROOT / "seeds"), "-o", str(tmp_path / "out")]


@pytest.mark.parametrize(
    "make_args, exit_code",
    [
        pytest.param(lambda tmp_path, model: ["sentences", str(tmp_path / "nope")], InputDataError.exit_code,
                     id="missing-corpus"),
        pytest.param(lambda tmp_path, model: _bad_article_corpus(tmp_path), InputDataError.exit_code,
                     id="non-utf8-article"),
        pytest.param(lambda tmp_path, model: _garbage_model(tmp_path), ModelFileError.exit_code, id="garbage-model"),
        pytest.param(lambda tmp_path, model: ["classify", "--text", "x", "--model", str(tmp_path / "none.skops")],
                     ModelFileError.exit_code, id="missing-model"),
        pytest.param(lambda tmp_path, model: ["classify", "-", "--text", "x", "--model", str(model)],
                     UsageError.exit_code, id="input-and-text"),
        pytest.param(lambda tmp_path, model: ["classify", "--model", str(model)], UsageError.exit_code,
                     id="neither-input-nor-text"),
        pytest.param(lambda tmp_path, model: ["classify", "-", "--format", "xml", "--model", str(model)],
                     UsageError.exit_code, id="unknown-format"),
        pytest.param(lambda tmp_path, model: ["classify", str(tmp_path / "nope.csv"), "--model", str(model)],
                     InputDataError.exit_code, id="missing-input"),
        pytest.param(lambda tmp_path, model: _bad_jsonl(tmp_path, model), InputDataError.exit_code, id="bad-jsonl"),
        pytest.param(lambda tmp_path, model: _bad_labels(tmp_path), InputDataError.exit_code, id="unknown-label"),
        pytest.param(lambda tmp_path, model: _labels_without_source(tmp_path), UsageError.exit_code,
                     id="evaluate-without-source"),
        pytest.param(lambda tmp_path, model: _empty_csv(tmp_path, model), InputDataError.exit_code, id="empty-csv"),
        pytest.param(lambda tmp_path, model: _output_is_a_folder(tmp_path), OutputError.exit_code, id="output-is-a-folder"),
    ],
)
def test_bad_input_gives_a_one_line_error_and_the_exit_code_of_its_kind(
    runner, tmp_path, tiny_model_file, make_args, exit_code
):
    result = runner.invoke(app, make_args(tmp_path, tiny_model_file))
    assert_one_line_error(result, exit_code)


def test_error_message_names_the_file_and_line(runner, tmp_path):
    result = runner.invoke(app, _bad_labels(tmp_path))
    bad_line = 1 + len(tiny_rows()) + 1  # the header, the synthetic rows, then the bad one
    assert f"labels.csv line {bad_line}:" in result.stderr
    assert "'blames_tokio'" in result.stderr


def test_failed_train_leaves_no_model_behind(runner, tmp_path):
    runner.invoke(app, _bad_labels(tmp_path))
    assert not (tmp_path / "model.skops").exists()


def test_debug_shows_the_traceback_instead(runner, tmp_path):
    result = runner.invoke(app, ["--debug", "sentences", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputDataError)


# -- conventions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS + ["audit", "annotate", "suggest"])
def test_every_command_answers_dash_h(runner, command):
    result = runner.invoke(app, [command, "-h"], env=WIDE)
    assert result.exit_code == 0
    assert f" {command} [OPTIONS]" in result.stdout.splitlines()[0]


@pytest.mark.parametrize("command", COMMANDS + ["audit", "annotate", "suggest", "init"])
def test_help_names_values_in_upper_case_without_python_types(runner, command):
    text = runner.invoke(app, [command, "--help"], env=WIDE).stdout
    assert not re.search(r"<(bool|path|str|int|list)", text, re.IGNORECASE)
    assert "{" not in text.splitlines()[0]  # a required argument is named bare, as in `annotate CORPUS`
    for line in text.splitlines():
        option = re.match(r"\s+(?:-\w, )?--[\w-]+(?:, --[\w-]+)* ([^ ]+)", line)
        if option:  # the value an option takes is shown as an upper-case name or a list of choices
            assert option.group(1).isupper() or "|" in option.group(1), line


@pytest.mark.parametrize("flags", [["-q"], ["--quiet"]])
def test_quiet_works_after_the_command_name_too(runner, tmp_path, flags):
    before = runner.invoke(app, [*flags, "sentences", "-o", str(tmp_path / "a.csv")])
    after = runner.invoke(app, ["sentences", "-o", str(tmp_path / "b.csv"), *flags])
    assert before.exit_code == after.exit_code == 0
    assert before.stderr == after.stderr == ""
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_debug_works_after_the_command_name_too(runner, tmp_path):
    result = runner.invoke(app, ["sentences", str(tmp_path / "nope"), "--debug"])
    assert isinstance(result.exception, InputDataError)


def test_a_global_flag_after_a_double_dash_is_left_alone(runner, tmp_path):
    result = runner.invoke(app, ["classify", "--text", "x", "--", "-q"])
    assert result.exit_code != 0  # '-q' is an argument there: a second INPUT, refused


def test_version_names_the_installed_version():
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-m", "stance", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.strip() == f"stance {version('stance')}"


def test_plot_without_a_learning_curve_is_refused(runner):
    result = runner.invoke(app, ["evaluate", "--plot", "curve.png"])
    assert_one_line_error(result, UsageError.exit_code)
    assert "--learning-curve" in result.stderr


@pytest.mark.parametrize("command", ["sentences", "-q classify seeds/labels.csv --model models/stance-fast.skops"])
def test_a_closed_pipe_ends_quietly(command):
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -m stance {command} | head -1",
        shell=True, capture_output=True, text=True, cwd=ROOT, check=False,
        executable="/bin/bash", env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""
    assert done.returncode in (0, 141)
