"""The terminal labelling session of ``stance annotate``: one sentence at a time, answered by key.

The choice of sentences and the labels file belong to :mod:`stance.annotate`; this module
is the conversation. Keys come one at a time from a terminal, or one character at a time
from a pipe, so that a script (or a test) can drive a session exactly as a person would.
Every answer is in the labels file before the next sentence is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import typer

from stance.annotate import LabelsWriter, context
from stance.errors import StanceError

KEY_HELP = (
    "keys: 1-{n} toggle a label · enter save · a accept the guess · n none · s skip · u undo · q quit"
    " · labels defined in docs/CODEBOOK.md"
)
QUIT_KEYS = ("", "q", "\x03", "\x04")
"""End of input, q, Ctrl-C and Ctrl-D all end a session, keeping what was answered."""


def keys_typed() -> Iterator[str]:
    """Keys as typed: one at a time on a terminal; from a pipe (a script, a test) one character
    at a time, with a CRLF line end read as a single Enter. '' marks the end of input."""
    if sys.stdin.isatty():
        while True:
            yield typer.getchar()
    previous = ""
    while True:
        key = sys.stdin.read(1)
        if not (key == "\n" and previous == "\r"):
            yield key
        if key == "":
            return
        previous = key


def confirm(question: str) -> bool:
    """A yes/no question; the end of input (a script that says nothing more) means no."""
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:
        typer.echo("")
        return False


def show_sentence(row, position: int, total: int, labels: tuple[str, ...], before: str, after: str) -> None:
    """The sentence with its neighbours, its speaker and the model's guess, as the annotator sees it."""
    speaker = f"{row.speaker} ({row.speaker_side or 'unknown'})" if row.speaker else "none named"
    typer.echo("")
    typer.echo(f"[{position}/{total}] source: {row.source}   speaker: {speaker}")
    if before:
        typer.echo(f"  before: {before}")
    typer.echo(f"> {row.text}")
    if after:
        typer.echo(f"  after:  {after}")
    guesses = "  ".join(
        f"{index}:{name} {row[f'p_{name}']:.2f}{'*' if name in row.guess.split(';') else ''}"
        for index, name in enumerate(labels, start=1)
    )
    typer.echo(f"model (* = guess): {guesses}")


def read_answer(keys: Iterator[str], labels: tuple[str, ...], guess: str) -> str | set[str]:
    """Read keys until an answer: a set of labels, or 'skip', 'undo' or 'quit'."""
    chosen: set[str] = set()
    while True:
        key = next(keys, "")
        if key in QUIT_KEYS:
            return "quit"
        if key.isdigit() and 1 <= int(key) <= len(labels):
            chosen.symmetric_difference_update({labels[int(key) - 1]})
            typer.echo(f"  selected: {';'.join(n for n in labels if n in chosen) or '(none)'}")
        elif key in ("\r", "\n"):
            return set(chosen)
        elif key == "a":
            return set(filter(None, guess.split(";")))
        elif key == "n":
            return set()
        elif key == "s":
            return "skip"
        elif key == "u":
            return "undo"
        else:
            typer.echo(KEY_HELP.format(n=len(labels)))


@dataclass
class Session:
    """One sitting: the candidates in the order to ask them, and where the answers go."""

    candidates: pd.DataFrame
    sentences: pd.DataFrame
    """The whole sentence table, for each candidate's neighbours."""
    labels: tuple[str, ...]
    writer: LabelsWriter
    annotator: str

    def run(self, batch: int | None = None, keys: Iterator[str] | None = None) -> int:
        """Ask until the candidates, the batch or the annotator's patience run out; return the
        number of answers kept (an undone answer is not kept)."""
        keys = keys if keys is not None else keys_typed()
        history: list[tuple[int, str]] = []
        position = 0
        while position < len(self.candidates) and (batch is None or len(history) < batch):
            row = self.candidates.iloc[position]
            show_sentence(row, position + 1, len(self.candidates), self.labels, *context(self.sentences, row.id))
            action = read_answer(keys, self.labels, row.guess)
            if action == "quit":
                break
            if action == "skip":
                position += 1
            elif action == "undo":
                if history:
                    position, sentence_id = history.pop()
                    self.writer.remove_last(sentence_id)
                    typer.echo("undone")
                else:
                    typer.echo("nothing to undo")
            else:
                answer = [name for name in self.labels if name in action]
                self.writer.add(row, answer, self.annotator)
                typer.echo(f"saved: {';'.join(answer) or '(none)'}")
                history.append((position, row.id))
                position += 1
        return len(history)


def retrain_after_session(
    labels_path: Path,
    writer: LabelsWriter,
    answers: int,
    model_path: Path,
    out: Path,
    schema_path: Path | None,
    speakers_path: Path | None,
    say: Callable[[str], None],
) -> None:
    """Retrain on what the model was trained on plus the labels file, and print the
    leave-one-source-out macro-F1 on the same files without and with this session's answers.
    The story files are the corpus's (``schema_path``, ``speakers_path``), wherever the labels are."""
    from stance.evaluate import leave_one_source_out
    from stance.story_files import find_schema
    from stance.training import files_to_add_to, load_training_set, retrain_with_answers, stance_model

    schema, _ = find_schema(labels_path, schema_path)
    earlier = files_to_add_to(labels_path, model_path, schema)

    def macro_f1(files: list[Path]) -> str:
        try:
            training = load_training_set(files, schema_path, speakers_path, first_file_wins=True)
            if training.data.groups is None:
                return "n/a (no source column)"
            return f"{leave_one_source_out({'stance': stance_model(training)}, training.data)[0].macro_f1:.3f}"
        except StanceError as exc:
            return f"n/a ({exc})"

    # Beside the labels, so that the schema and speakers beside them are found for it too.
    before_session = labels_path.with_name(f".{labels_path.stem}.before-session.csv")
    try:
        kept = writer.copy_without_last(before_session, answers)
        files_before = ([before_session] if kept else []) + earlier
        before = macro_f1(files_before) if files_before else "n/a (no labels before)"
    finally:
        before_session.unlink(missing_ok=True)
    result = retrain_with_answers(labels_path, earlier, schema, model_path, out, schema_path, speakers_path)
    extends = result.card["data"].get("extends")
    if extends:
        relabelled = f" ({extends['relabelled']} it had, labelled anew)" if extends["relabelled"] else ""
        say(
            f"trained on the {extends['rows_before']} sentences {extends['model']} was trained on "
            f"plus {extends['rows_added']} new ones from {labels_path.name}{relabelled}"
        )
    else:
        say(f"trained on {labels_path.name} alone: the files the model was trained on are not all there unchanged")
    after = dict((name, value) for name, _, value in result.changes).get("macro_f1")
    after_text = f"{after:.3f}" if after is not None else "n/a (no source column)"
    typer.echo(f"leave-one-source-out macro-F1: before {before}, after {after_text}; model written to {out}")
