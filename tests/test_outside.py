"""The installed ``stance`` executable, run from outside as a user runs it.

(a) The README's own commands: ``stance report`` in a folder holding ``seeds/`` and
``models/`` writes ``reports/index.html``; ``stance classify --text "…"`` prints a CSV
header and one row.

(b) The README's exit-code table, on files broken the ways real files break: each
bad input gives its documented exit code (2 usage, 3 bad input data, 4 bad model
file, 5 output), exactly one line on stderr that starts with ``error:`` and names the
file, no traceback, and leaves the folder it ran in as it was (nothing written at the
output path, no temporary file left over). Inputs that are odd but fine (a BOM, CRLF,
label names in the wrong case, quoted newlines, a 50 MB line, an article with no full
stop) must work.

Every case is a real subprocess; they are built and run once per module, a few at a
time, so that the file stays within about a minute. docs/errors.md records what each
input gets.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MODELS = ROOT / "models"
STANCE = Path(sys.executable).parent / "stance"
HAVE_PYARROW = importlib.util.find_spec("pyarrow") is not None

pytestmark = pytest.mark.skipif(
    not STANCE.exists(), reason=f"no installed console script at {STANCE} (pip install -e . into this interpreter's env)"
)

LABEL_NAMES = ("pro_extension", "blames_seoul", "blames_tokyo", "blames_us")
README_HEADER = "text,labels," + ",".join(LABEL_NAMES) + "," + ",".join(f"p_{name}" for name in LABEL_NAMES)
BIG_PHRASE = b"Intergovernmental counterintelligence notwithstanding; "
BIG_SIZE = 50_000_000
TIMEOUT = 180


# -- building inputs ---------------------------------------------------------------------------------------


def first_article() -> str:
    return sorted(p.name for p in SEEDS.glob("*.txt"))[0]


def copy_corpus(dest: Path, labels: bool = True) -> Path:
    """The seed corpus (.txt articles, sources.csv, schema.toml, speakers.csv and, if asked, labels.csv)."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in SEEDS.iterdir():
        if path.suffix in (".txt", ".csv", ".toml") and (labels or path.name != "labels.csv"):
            shutil.copyfile(path, dest / path.name)
    return dest


def csv_text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def seed_rows(name: str) -> list[list[str]]:
    return csv_rows((SEEDS / name).read_text(encoding="utf-8"))


def edit_csv(path: Path, edit: Callable[[list[list[str]]], list[list[str]]]) -> None:
    path.write_text(csv_text(edit(csv_rows(path.read_text(encoding="utf-8")))), encoding="utf-8")


def small_labels(label_cell: Callable[[int, str], str] = lambda index, cell: cell) -> str:
    """A small labels file (no source column, so training does no leave-one-source-out): 6+ positives per label."""
    rows = seed_rows("labels.csv")
    header, body = rows[0], rows[1:]
    text_at, labels_at = header.index("text"), header.index("labels")
    counts = dict.fromkeys(LABEL_NAMES, 0)
    kept, unlabelled = [], 0
    for row in body:
        names = [name for name in row[labels_at].split(";") if name]
        if names and any(counts[name] < 6 for name in names):
            kept.append(row)
            for name in names:
                counts[name] += 1
        elif not names and unlabelled < 12:
            kept.append(row)
            unlabelled += 1
    return csv_text([["text", "labels"]] + [[row[text_at], label_cell(i, row[labels_at])] for i, row in enumerate(kept)])


def wrong_case(index: int, cell: str) -> str:
    """' Pro_Extension ' and ' BLAMES_SEOUL ; PRO_EXTENSION ': the codebook reads names without regard to case or spaces."""
    names = [name for name in cell.split(";") if name]
    return " ; ".join(f" {name.upper()} " if index % 2 else f"  {name.title()}" for name in names)


def garbage() -> bytes:
    return random.Random(0).randbytes(4096)


def latin1(text: str) -> bytes:
    """As a Windows editor saves it: ’ is byte 0x92, é is 0xe9."""
    return text.encode("cp1252", errors="replace") + "\nCaf\xe9 owner said it’s over.\n".encode("cp1252")


CLASSIFY_ROWS = [
    ["id", "text"],
    ["1", "Washington sat on the sidelines as the feud escalated."],
    ["2", "Seoul’s decision was mistaken, said the café owner."],
    ["3", 'He said, "the pact,\nas it stands,\nis crucial" for the region.'],
]


# -- the runs --------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One invocation: ``build(folder)`` makes its files and returns the arguments after ``stance``."""

    build: Callable[[Path], list[str]]
    stdin: str = ""


@dataclass
class Outcome:
    folder: Path
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def show(self) -> str:
        return f"stance {' '.join(self.args)} (in {self.folder})\nrc={self.returncode}\nstderr:\n{self.stderr[-3000:]}"


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with a digest of its content (folders as 'dir')."""
    state = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_dir():
            state[key + "/"] = "dir"
        else:
            data = path.read_bytes()
            state[key] = hashlib.sha1(data).hexdigest()
    return state


RUNS: dict[str, Run] = {}


def run(name: str, stdin: str = ""):
    def register(build):
        RUNS[name] = Run(build=build, stdin=stdin)
        return build

    return register


# README commands ----------------------------------------------------------------------------------------


def readme_folder(folder: Path) -> None:
    copy_corpus(folder / "seeds")
    shutil.copytree(MODELS, folder / "models", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))


@run("readme report")
def _(d):
    readme_folder(d)
    return ["report"]


@run("readme classify --text")
def _(d):
    readme_folder(d)
    return ["classify", "--text", "Washington sat on the sidelines as the feud escalated."]


# -- exit 3: bad input data ----------------------------------------------------------------------------


@run("sentences: missing corpus folder")
def _(d):
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: article is UTF-16")
def _(d):
    article = copy_corpus(d / "corpus") / first_article()
    article.write_bytes(article.read_text(encoding="utf-8").encode("utf-16"))
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: article is Latin-1")
def _(d):
    article = copy_corpus(d / "corpus") / first_article()
    article.write_bytes(latin1(article.read_text(encoding="utf-8")))
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: a .txt that is a directory")
def _(d):
    (copy_corpus(d / "corpus") / "zz_notes.txt").mkdir()
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: sources.csv ragged row (unquoted comma)")
def _(d):
    manifest = copy_corpus(d / "corpus") / "sources.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    file, source, outlet, published = csv_rows(lines[1])[0][:4]
    lines[1] = f"{file},{source},{outlet},{published},Japan, South Korea Make Last-Minute Push,a note"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: sources.csv lists a file twice")
def _(d):
    manifest = copy_corpus(d / "corpus") / "sources.csv"
    edit_csv(manifest, lambda rows: rows + [[first_article(), "another-source", "Another", "2020-01-01", "Other"]])
    return ["sentences", "corpus", "-o", "out.csv"]


@run("sentences: speakers.csv row with an unquoted comma")
def _(d):
    speakers = copy_corpus(d / "corpus") / "speakers.csv"
    text = speakers.read_text(encoding="utf-8")
    assert "\nPentagon,us\n" in text
    speakers.write_text(text.replace("\nPentagon,us\n", "\nPentagon, the U.S. Defense Department,us\n"), encoding="utf-8")
    return ["sentences", "corpus", "-o", "out.csv"]


@run("train: labels.csv is a directory")
def _(d):
    labels = copy_corpus(d / "data") / "labels.csv"
    labels.unlink()
    labels.mkdir()
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("train: labels.csv empty")
def _(d):
    (copy_corpus(d / "data") / "labels.csv").write_bytes(b"")
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("train: labels.csv header only")
def _(d):
    (copy_corpus(d / "data") / "labels.csv").write_text("id,source,text,labels,note\n", encoding="utf-8")
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("train: labels.csv binary garbage")
def _(d):
    (copy_corpus(d / "data") / "labels.csv").write_bytes(garbage())
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("train: labels.csv ragged row")
def _(d):
    edit_csv(copy_corpus(d / "data") / "labels.csv", lambda rows: rows[:3] + [rows[3] + ["x", "y"]] + rows[4:])
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("evaluate: labels.csv renamed column")
def _(d):
    edit_csv(copy_corpus(d / "data") / "labels.csv", lambda rows: [["sentence" if c == "text" else c for c in rows[0]]] + rows[1:])
    return ["evaluate", "data/labels.csv"]


@run("evaluate: duplicated sentence, conflicting labels")
def _(d):
    def conflict(rows):
        at = rows[0].index("labels")
        twin = list(rows[1])
        twin[at] = "blames_us" if twin[at] != "blames_us" else ""
        return rows + [twin]

    edit_csv(copy_corpus(d / "data") / "labels.csv", conflict)
    return ["evaluate", "data/labels.csv"]


@run("audit: labels.csv missing")
def _(d):
    (copy_corpus(d / "data") / "labels.csv").unlink()
    return ["audit", "data/labels.csv", "-o", "out.csv"]


@run("classify: input file missing")
def _(d):
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: input is Latin-1")
def _(d):
    (d / "in.csv").write_bytes(csv_text(CLASSIFY_ROWS).encode("cp1252"))
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: input ragged row")
def _(d):
    (d / "in.csv").write_text(csv_text(CLASSIFY_ROWS) + "4,too,many,fields\n", encoding="utf-8")
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: first row has an unquoted comma")
def _(d):
    (d / "in.csv").write_text("id,text\n1,Seoul, they said, is wrong\n2,Tokyo is wrong.\n", encoding="utf-8")
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: corrupt Parquet input")
def _(d):
    (d / "in.parquet").write_bytes(garbage())
    return ["classify", "in.parquet", "-o", "out.csv"]


@run("report: corpus labels.csv has conflicting duplicates")
def _(d):
    def conflict(rows):
        at = rows[0].index("labels")
        twin = list(rows[1])
        twin[at] = "blames_us" if twin[at] != "blames_us" else ""
        return rows + [twin]

    edit_csv(copy_corpus(d / "corpus") / "labels.csv", conflict)
    return ["report", "corpus", "--out", "rep"]


# -- exit 4: bad model file ----------------------------------------------------------------------------


def bad_model(kind: str, path: Path) -> None:
    good = (MODELS / "stance.skops").read_bytes()
    if kind == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "random bytes":
        path.write_bytes(garbage())
    elif kind == "a pickle":
        from sklearn.linear_model import LogisticRegression

        path.write_bytes(pickle.dumps(LogisticRegression()))
    elif kind == "skops of another estimator":
        import skops.io
        from sklearn.linear_model import LogisticRegression

        skops.io.dump(LogisticRegression(), path)


for _kind in ("truncated", "random bytes", "a pickle", "skops of another estimator"):

    @run(f"classify: --model {_kind}")
    def _(d, kind=_kind):
        bad_model(kind, d / "bad.skops")
        return ["classify", "--text", "Seoul is to blame.", "--model", "bad.skops", "-o", "out.csv"]


@run("annotate: corpus folder is a file")
def _(d):
    (d / "corpus").write_text("not a folder\n", encoding="utf-8")
    return ["annotate", "corpus", "--labels", "lab.csv"]


# -- exit 5: output ------------------------------------------------------------------------------------


@run("sentences: -o is a directory")
def _(d):
    copy_corpus(d / "corpus")
    (d / "out.csv").mkdir()
    return ["sentences", "corpus", "-o", "out.csv"]


@run("report: --out is a file")
def _(d):
    copy_corpus(d / "corpus")
    (d / "rep").write_text("my notes\n", encoding="utf-8")
    return ["report", "corpus", "--out", "rep"]


# -- exit 2: usage -------------------------------------------------------------------------------------


@run("classify: INPUT and --text")
def _(d):
    (d / "in.txt").write_text("Seoul is to blame.\n", encoding="utf-8")
    return ["classify", "in.txt", "--text", "x", "-o", "out.csv"]


# -- odd but fine ----------------------------------------------------------------------------------------


@run("sentences: BOM and CRLF in articles and sources.csv")
def _(d):
    corpus = copy_corpus(d / "corpus")
    first, second = sorted(corpus.glob("*.txt"))[:2]
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes())
    second.write_bytes(second.read_bytes().replace(b"\n", b"\r\n"))
    manifest = corpus / "sources.csv"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes().replace(b"\n", b"\r\n"))
    return ["sentences", "corpus", "-o", "out.csv"]


GIANT = "Seoul blamed Tokyo for the mistaken decision while Washington sat on the sidelines and " * 4_000  # 350 kB


@run("report: article is one giant paragraph without a full stop")
def _(d):
    (copy_corpus(d / "corpus") / first_article()).write_text(GIANT, encoding="utf-8")
    return ["report", "corpus", "--out", "rep"]


@run("train: label names in the wrong case and with spaces")
def _(d):
    folder = d / "data"
    folder.mkdir()
    shutil.copyfile(SEEDS / "schema.toml", folder / "schema.toml")
    (folder / "labels.csv").write_text(small_labels(wrong_case), encoding="utf-8")
    return ["train", "data/labels.csv", "--out", "m/model.skops"]


@run("classify: CSV with a BOM, CRLF line endings, quoted newlines and quotes")
def _(d):
    (d / "in.csv").write_bytes(b"\xef\xbb\xbf" + csv_text(CLASSIFY_ROWS).replace("\n", "\r\n").encode())
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: CSV with a header and no rows")
def _(d):
    (d / "in.csv").write_text("id,text\n", encoding="utf-8")
    return ["classify", "in.csv", "-o", "out.csv"]


@run("classify: a 50 MB single line")
def _(d):
    return ["classify", str(d.parent / "big_line.txt"), "-o", "out.csv"]


# -- running them all once -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("outside")
    with (base / "big_line.txt").open("wb") as handle:  # a short phrase repeated: fast to make
        handle.write(BIG_PHRASE * (BIG_SIZE // len(BIG_PHRASE)) + b"\n")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)

    def execute(item: tuple[int, str]) -> tuple[str, Outcome]:
        index, name = item
        folder = base / f"run{index:02d}"
        folder.mkdir()
        args = RUNS[name].build(folder)
        before = snapshot(folder)
        start = time.monotonic()
        # --quiet: status lines off, so an error is the only line on stderr.
        quiet = [] if name.startswith("readme") else ["--quiet"]
        done = subprocess.run(
            [str(STANCE), *quiet, *args],
            cwd=folder,
            input=RUNS[name].stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            env=env,
        )
        seconds = time.monotonic() - start
        return name, Outcome(folder, args, done.returncode, done.stdout, done.stderr, before, snapshot(folder), seconds)

    # The slowest first, so that it overlaps the many short ones.
    order = sorted(RUNS, key=lambda name: ("50 MB" not in name, "train: label" not in name))
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        return dict(pool.map(execute, enumerate(order)))


def read_output(outcome: Outcome, name: str = "out.csv") -> list[dict[str, str]]:
    limit = csv.field_size_limit(2**31 - 1)  # a sentence of 50 MB is one field
    try:
        with (outcome.folder / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    finally:
        csv.field_size_limit(limit)


def labels_agree_with_columns(row: dict[str, str]) -> bool:
    chosen = {name for name in row["labels"].split(";") if name}
    return chosen == {name for name in LABEL_NAMES if row[name] == "1"}


# -- (a) the README ------------------------------------------------------------------------------------


def test_readme_report_writes_reports_index_html(outcomes):
    outcome = outcomes["readme report"]
    assert outcome.returncode == 0, outcome.show()
    reports = outcome.folder / "reports"
    for name in ("index.html", "index.md", "sentences.csv"):
        assert (reports / name).is_file(), name
    assert "<html" in (reports / "index.html").read_text(encoding="utf-8").lower()
    assert re.search(r"wrote \d+ files to reports/ \(open reports/index\.html\)", outcome.stderr), outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_readme_classify_text_prints_a_header_and_one_row(outcomes):
    outcome = outcomes["readme classify --text"]
    assert outcome.returncode == 0, outcome.show()
    lines = outcome.stdout.splitlines()
    assert len(lines) == 2, outcome.stdout
    assert lines[0] == README_HEADER
    (row,) = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert row["text"] == "Washington sat on the sidelines as the feud escalated."
    assert labels_agree_with_columns(row)
    assert all(0.0 <= float(row[f"p_{name}"]) <= 1.0 for name in LABEL_NAMES)


# -- (b) the error table -------------------------------------------------------------------------------


# (run name, expected exit code, a name the error line must hold)
ERRORS = [
    ("sentences: missing corpus folder", 3, "corpus"),
    ("sentences: article is UTF-16", 3, first_article()),
    ("sentences: article is Latin-1", 3, first_article()),
    ("sentences: a .txt that is a directory", 3, "zz_notes.txt"),
    ("sentences: sources.csv ragged row (unquoted comma)", 3, "sources.csv line 2"),
    ("sentences: sources.csv lists a file twice", 3, "sources.csv"),
    ("sentences: speakers.csv row with an unquoted comma", 3, "speakers.csv"),
    ("train: labels.csv is a directory", 3, "labels.csv"),
    ("train: labels.csv empty", 3, "labels.csv"),
    ("train: labels.csv header only", 3, "labels.csv"),
    ("train: labels.csv binary garbage", 3, "labels.csv"),
    ("train: labels.csv ragged row", 3, "labels.csv line 4"),
    ("evaluate: labels.csv renamed column", 3, "labels.csv"),
    ("evaluate: duplicated sentence, conflicting labels", 3, "labels.csv"),
    ("audit: labels.csv missing", 3, "labels.csv"),
    ("classify: input file missing", 3, "in.csv"),
    ("classify: input is Latin-1", 3, "in.csv"),
    ("classify: input ragged row", 3, "in.csv"),
    ("report: corpus labels.csv has conflicting duplicates", 3, "labels.csv"),
    ("annotate: corpus folder is a file", 3, "corpus"),
    ("classify: first row has an unquoted comma", 3, "in.csv"),
    pytest.param(
        "classify: corrupt Parquet input", 3, "in.parquet",
        marks=pytest.mark.skipif(not HAVE_PYARROW, reason="pyarrow (the parquet extra) is not installed"),
    ),
    ("classify: --model truncated", 4, "bad.skops"),
    ("classify: --model random bytes", 4, "bad.skops"),
    ("classify: --model a pickle", 4, "bad.skops"),
    ("classify: --model skops of another estimator", 4, "bad.skops"),
    ("sentences: -o is a directory", 5, "out.csv"),
    ("report: --out is a file", 5, "rep"),
    ("classify: INPUT and --text", 2, None),
]


def _id(param) -> str:
    return param.values[0] if hasattr(param, "values") else param[0]


@pytest.mark.parametrize("name, exit_code, names", ERRORS, ids=[_id(p) for p in ERRORS])
def test_bad_input_fails_cleanly_with_its_exit_code(outcomes, name, exit_code, names):
    outcome = outcomes[name]
    assert outcome.returncode == exit_code, outcome.show()
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), outcome.stderr
    if names is not None:
        assert names in lines[0], f"the message should name {names!r}: {lines[0]}"
    assert "Traceback" not in outcome.stderr + outcome.stdout
    assert outcome.after == outcome.before, "a failed run changed files: " + str(
        sorted(set(outcome.after.items()) ^ set(outcome.before.items()))
    )


# -- odd but fine --------------------------------------------------------------------------------------


def succeeded(outcome: Outcome) -> None:
    assert outcome.returncode == 0, outcome.show()
    assert "Traceback" not in outcome.stderr + outcome.stdout
    assert "error:" not in outcome.stderr
    # .stance-report is the report folder's list of its own files, not a leftover.
    leftovers = [
        key for key in outcome.after if Path(key.rstrip("/")).name.startswith(".") and Path(key).name != ".stance-report"
    ]
    assert not leftovers, f"temporary files left behind: {leftovers}"


def test_bom_and_crlf_give_the_same_sentence_table(outcomes):
    outcome = outcomes["sentences: BOM and CRLF in articles and sources.csv"]
    succeeded(outcome)
    from stance.corpus import Corpus
    from stance.sentences import sentence_table

    baseline = sentence_table(Corpus.open(SEEDS)).to_csv(index=False, lineterminator="\n")  # what `stance sentences seeds` writes
    assert (outcome.folder / "out.csv").read_text(encoding="utf-8") == baseline


def test_report_on_a_giant_paragraph_without_a_full_stop(outcomes):
    outcome = outcomes["report: article is one giant paragraph without a full stop"]
    succeeded(outcome)
    assert (outcome.folder / "rep" / "index.html").is_file()
    rows = [row for row in read_output(outcome, "rep/sentences.csv") if row["file"] == first_article()]
    assert rows, "the giant article gave no sentence"
    assert "".join(row["text"] for row in rows).replace(" ", "") == GIANT.replace(" ", "")


def test_label_names_in_the_wrong_case_and_with_spaces_train(outcomes):
    import json

    outcome = outcomes["train: label names in the wrong case and with spaces"]
    succeeded(outcome)
    assert (outcome.folder / "m" / "model.skops").is_file()
    card = json.loads((outcome.folder / "m" / "model.card.json").read_text(encoding="utf-8"))
    expected = dict.fromkeys(LABEL_NAMES, 0)
    for row in csv.DictReader(io.StringIO(small_labels())):
        for name in filter(None, row["labels"].split(";")):
            expected[name] += 1
    assert card["data"]["positives"] == expected


def test_classify_csv_with_a_bom_crlf_and_quoted_newlines(outcomes):
    outcome = outcomes["classify: CSV with a BOM, CRLF line endings, quoted newlines and quotes"]
    succeeded(outcome)
    rows = read_output(outcome)
    assert list(rows[0])[:2] == ["id", "text"]  # no BOM glued to the first column's name
    # CRLF ends rows; the newlines inside the quoted field come back as they were typed (\r\n there too)
    assert [row["text"].replace("\r\n", "\n") for row in rows] == [row[1] for row in CLASSIFY_ROWS[1:]]
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert all(labels_agree_with_columns(row) for row in rows)


def test_classify_header_only_csv_gives_a_header_only_table(outcomes):
    outcome = outcomes["classify: CSV with a header and no rows"]
    succeeded(outcome)
    text = (outcome.folder / "out.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["id," + README_HEADER]


def test_classify_a_50_mb_single_line(outcomes):
    outcome = outcomes["classify: a 50 MB single line"]
    succeeded(outcome)
    rows = read_output(outcome)
    assert len(rows) == 1
    assert len(rows[0]["text"]) == len(BIG_PHRASE) * (BIG_SIZE // len(BIG_PHRASE))
    assert labels_agree_with_columns(rows[0])
