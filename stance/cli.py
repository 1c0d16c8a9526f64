"""The ``stance`` command line: a thin layer that parses, calls the library, and prints.

Each command is a few lines over a library function. The library raises
:class:`stance.errors.StanceError` for anything a user can fix; here it becomes one
line on stderr and the exit code of its kind, with the traceback only under --debug.
Heavy libraries (pandas, scikit-learn) are imported inside the commands, so that
``stance --help`` answers at once.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from stance.errors import StanceError, UsageError

app = typer.Typer(
    help="Label news sentences by the stance they convey and compare how outlets frame a story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


CLOSED_PIPE = 141
"""The exit code of a command whose reader closed the pipe: 128 + SIGPIPE, as a shell reports it."""


class Settings:
    debug = False
    quiet = False


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"stance {version('stance')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("stance (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Label news sentences by stance and compare outlets' framing."""
    Settings.debug = debug
    Settings.quiet = quiet


def say(message: str) -> None:
    """A status line on stderr (stdout stays clean for data)."""
    if not Settings.quiet:
        stderr.print(message, markup=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's errors and warnings into one-line messages and exit codes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except StanceError as exc:
            if Settings.debug:
                raise
            caught.clear()  # what would have been used instead matters no more: the error is the one line
            stderr.print(f"error: {exc}", markup=False)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            stderr.print("interrupted: nothing was written", markup=False)
            raise typer.Exit(code=130) from None
        except BrokenPipeError:
            # The reader left (`stance sentences | head`): end quietly, as Unix tools do, and point
            # stdout at nothing so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(code=CLOSED_PIPE) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug: still one line, with the way to the details
            if Settings.debug:
                raise
            stderr.print(
                f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback, and report it)",
                markup=False,
            )
            raise typer.Exit(code=1) from None
        finally:
            for warning in caught:
                if issubclass(warning.category, UserWarning) and warning.category.__module__.startswith("stance"):
                    stderr.print(f"warning: {warning.message}", markup=False)


def say_model(path: Path, model) -> None:
    """One line naming the model a command uses, so a user never works with a model unawares."""
    say(f"model: {path} (trained on {getattr(model, 'n_sentences_', '?')} sentences)")


def progress_callback(description: str) -> Callable[[str], None]:
    return lambda step: say(f"{description}: {step}")


# Options several commands share, spelled once.
ModelOption = Annotated[
    Optional[Path], typer.Option("--model", help="Model file.", show_default="models/stance.skops, else the shipped model")
]
SourcedLabels = Annotated[
    Optional[list[Path]],
    typer.Argument(metavar="LABELS", help="Labelled sentences with a source column.", show_default="seeds/labels.csv"),
]
SchemaOption = Annotated[
    Optional[Path],
    typer.Option("--schema", help="The story's schema.toml.", show_default="beside the labels, else the shipped story's"),
]
SpeakersOption = Annotated[
    Optional[Path],
    typer.Option("--speakers", help="The story's speakers.csv.", show_default="beside the labels"),
]
EngineOption = Annotated[str, typer.Option("--engine", help="local (this process) or dask (a cluster).")]
SchedulerOption = Annotated[
    Optional[str], typer.Option("--scheduler", help="Dask scheduler address.", show_default="a local 2-worker cluster")
]


@app.command()
def sentences(
    corpus: Annotated[
        Optional[Path],
        typer.Argument(metavar="CORPUS", help="Corpus folder: .txt articles plus sources.csv.", show_default="seeds/"),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="CSV or .parquet file to write; stdout if omitted.")
    ] = None,
    unlabelled: Annotated[
        bool,
        typer.Option(
            "--unlabelled", help="Only sentences not in the labels file, in the labels format, ready to fill in."
        ),
    ] = False,
    labels: Annotated[
        Optional[Path], typer.Option("--labels", help="Labels file for --unlabelled.", show_default="CORPUS/labels.csv")
    ] = None,
) -> None:
    """Split a corpus into the sentence table: clean sentences with their quotation and speaker."""
    with user_errors():
        from stance.paths import default_corpus
        from stance.sentences import sentence_chunks

        corpus = corpus or default_corpus()
        chunks = sentence_chunks(corpus)
        if unlabelled:
            from stance.annotate import unlabelled as not_yet_labelled

            labels_path = labels or corpus / "labels.csv"
            chunks = (
                not_yet_labelled(chunk, labels_path)[["id", "source", "text"]].assign(labels="", note="")
                for chunk in chunks
            )
        count = 0
        with _table_sink(output) as sink:
            for chunk in chunks:
                sink.write(chunk)
                count += len(chunk)
        if output is not None:
            say(f"wrote {count} sentences to {output}")


@app.command()
def train(
    data: Annotated[
        Optional[list[Path]],
        typer.Argument(metavar="LABELS", help="Labelled sentences (CSV, codebook format).", show_default="seeds/labels.csv"),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--output", "-o", "--out", help="Model file to write.", show_default="models/stance.skops")
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Train the lexical model (no encoder), for corpora of millions.")
    ] = False,
    dev: Annotated[
        Optional[Path],
        typer.Option("--dev", help="Development set: scored in the card, its error counts kept for reports."),
    ] = None,
    schema: SchemaOption = None,
    speakers: SpeakersOption = None,
) -> None:
    """Train the stance model; write it with its model card, and show how it compares with the one it replaces."""
    with user_errors():
        from stance.paths import default_labels, default_model_output
        from stance.training import train as train_model

        paths = data or [default_labels()]
        out = out or default_model_output()
        result = train_model(
            paths, out, fast=fast, dev=dev, progress=progress_callback("train"), schema_path=schema, speakers_path=speakers
        )
        say(f"wrote {out} and its model card")
        if result.previous_rows is not None:
            say(
                f"  the training data changed ({result.previous_rows} -> {result.card['data']['rows']} sentences): "
                "scores are not compared with the model it replaces"
            )
        for name, before, after in result.changes:
            change = f"{before:.3f} -> {after:.3f} ({after - before:+.3f})" if before is not None else f"{after:.3f}"
            say(f"  {name:<24} {change}")


@app.command()
def evaluate(
    data: SourcedLabels = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Also score the model with each feature group off.")] = False,
    learning_curve: Annotated[
        bool, typer.Option("--learning-curve", help="Macro-F1 against the number of training sentences instead.")
    ] = False,
    plot: Annotated[
        Optional[Path],
        typer.Option("--plot", help="Where --learning-curve draws its chart (PNG).", show_default="learning_curve.png"),
    ] = None,
    dev: Annotated[
        Optional[Path], typer.Option("--dev", help="Also score every model, trained on all the data, on this set.")
    ] = None,
    adaptation: Annotated[
        bool,
        typer.Option(
            "--adaptation",
            help="With --dev: add k = 0, 10, 25, 50, 100 of its sentences (as suggest picks them, and at random) "
            "to training and score the rest.",
        ),
    ] = False,
    schema: SchemaOption = None,
    speakers: SpeakersOption = None,
) -> None:
    """Leave-one-source-out scores of the stance model and the baselines, per label."""
    with user_errors():
        import json

        from stance.evaluate import format_table
        from stance.paths import default_labels
        from stance.training import evaluate as evaluate_models
        from stance.training import load_training_set

        if plot is not None and not learning_curve:
            raise UsageError("--plot draws the learning curve: use it with --learning-curve")
        training = load_training_set(data or [default_labels()], schema, speakers)
        if training.data.groups is None:
            raise UsageError("leave-one-source-out needs a 'source' column filled in for every sentence")
        if adaptation and dev is None:
            raise UsageError("--adaptation needs --dev FILE: the labelled sentences of the new corpus")
        if learning_curve:
            _learning_curve(training, as_json, plot or Path("learning_curve.png"))
            return
        if adaptation:
            _adaptation(training, dev, as_json)
            return
        results = evaluate_models(training, ablation=ablation, progress=progress_callback("evaluate"))
        dev_results = []
        if dev is not None:
            from stance.training import evaluate_on_dev, load_dev_set

            dev_set = load_dev_set(dev, training)
            dev_results = evaluate_on_dev(training, dev_set, ablation=ablation, progress=progress_callback("evaluate"))
        if as_json:
            payload = {"leave_one_source_out": [r.as_dict() for r in results], "development": [r.as_dict() for r in dev_results]}
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        else:
            sys.stdout.write(format_table(results, training.data.label_names))
            if dev_results:
                title = f"Development set ({dev}; every model trained on all the training data)"
                sys.stdout.write("\n" + format_table(dev_results, training.data.label_names, title))


def _adaptation(training, dev: Path, as_json: bool) -> None:
    import json
    from dataclasses import asdict

    from stance.evaluate import adaptation_curve, format_adaptation
    from stance.suggest import choose
    from stance.training import load_dev_set, stance_model

    pool = load_dev_set(dev, training)
    points = adaptation_curve(stance_model(training), training.data, pool, choose, progress=progress_callback("adaptation"))
    if as_json:
        sys.stdout.write(json.dumps([asdict(point) for point in points], indent=2) + "\n")
    else:
        sys.stdout.write(format_adaptation(points, training.data.label_names))


def _learning_curve(training, as_json: bool, plot: Path) -> None:
    import json
    from dataclasses import asdict

    from stance.atomic import atomic_path
    from stance.charts import learning_curve_chart
    from stance.evaluate import format_curve, learning_curve
    from stance.training import stance_model

    say("evaluate: learning curve (4 sizes x leave-one-source-out)")
    points = learning_curve(stance_model(training), training.data)
    with atomic_path(plot) as temporary:
        learning_curve_chart([p.mean_training_sentences for p in points], [p.macro_f1 for p in points], temporary)
    if as_json:
        sys.stdout.write(json.dumps([asdict(point) for point in points], indent=2) + "\n")
    else:
        sys.stdout.write(format_curve(points))
    say(f"chart written to {plot}")


@app.command()
def audit(
    data: SourcedLabels = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many suspects to list.")] = 20,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Also write all suspects as CSV.")] = None,
    schema: SchemaOption = None,
    speakers: SpeakersOption = None,
) -> None:
    """List hand labels that a model which never saw their source contradicts most confidently."""
    with user_errors():
        from stance.atomic import write_text
        from stance.audit import audit as find_suspects
        from stance.paths import default_labels
        from stance.training import load_training_set

        training = load_training_set(data or [default_labels()], schema, speakers)
        if training.data.groups is None:
            raise UsageError("the audit leaves sources out: it needs a 'source' column filled in for every sentence")
        say("audit: scoring every labelled sentence with a model that never saw its source")
        suspects = find_suspects(training)
        if output is not None:
            write_text(output, suspects.to_csv(index=False, lineterminator="\n"))
            say(f"wrote {len(suspects)} suspects to {output}")
        if suspects.empty:
            typer.echo("no label is contradicted by the held-out model")
        for row in suspects.head(top).itertuples():
            verdict = "model says no" if row.given == "yes" else "model says yes"
            typer.echo(f"{row.rank:>3}. [{row.source}] {row.label}: given {row.given}, {verdict} (p = {row.model_probability:.2f})")
            typer.echo(f"     {row.text}")
            if row.note:
                typer.echo(f"     note: {row.note}")


@app.command()
def classify(
    input_path: Annotated[
        Optional[str],
        typer.Argument(
            metavar="INPUT",
            help="CSV, TSV, JSONL, Parquet or text file (one sentence a line), a folder of them, or - for stdin.",
        ),
    ] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Classify this one sentence instead.")] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="CSV or .parquet file to write (a folder with --engine dask); stdout if omitted."),
    ] = None,
    model_path: ModelOption = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Column (or JSON field) holding the sentence.")] = "text",
    input_format: Annotated[
        Optional[str],
        typer.Option("--format", help="csv, tsv, jsonl, parquet or txt.", show_default="from the file name; txt for stdin"),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the features that pushed each label most.")] = False,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Label sentences with the stance model: the input's columns, then labels, 0/1 per label and probabilities."""
    with user_errors():
        import pandas as pd

        from stance.classify import classify_stream
        from stance.paths import default_model
        from stance.persist import load_model
        from stance.tables import count_rows, read_chunks

        if (input_path is None) == (text is None):
            raise UsageError("give an INPUT file (or - for stdin) or --text, not both and not neither")
        resolved_model = model_path or default_model()
        if engine == "dask":
            _classify_on_dask(input_path, output, resolved_model, text_column, input_format, explain, scheduler)
            return
        if engine != "local":
            raise UsageError(f"--engine {engine!r} is invalid; choose local or dask")
        model = load_model(resolved_model)
        if text is not None:
            chunks = iter([pd.DataFrame({text_column: [text]})])
            total = None
        else:
            chunks = read_chunks(input_path, input_format, text_column)
            total = count_rows(input_path) if output is not None else None
        with _progress(total) as advance, _table_sink(output, buffered=text is not None) as sink:
            count = classify_stream(model, chunks, sink, text_column, explain, on_chunk=advance)
        say_model(resolved_model, model)  # after the work, so an input error stays the one line it is
        if output is not None:
            say(f"classified {count} sentences into {output}")


def _classify_on_dask(input_path, output, model_path, text_column, input_format, explain, scheduler) -> None:
    from stance.dask_engine import classify_partitioned

    if input_path is None or input_path == "-" or output is None:
        raise UsageError("--engine dask reads an INPUT file or folder and writes --output FOLDER (a Parquet dataset)")
    if explain:
        raise UsageError("--explain is not available with --engine dask")
    count = classify_partitioned(input_path, output, model_path, text_column, input_format, scheduler)
    say(f"classified {count} sentences into {output}/ (a partitioned Parquet dataset)")


@contextmanager
def _table_sink(output: Path | None, buffered: bool = False):
    """Where a table goes: a CSV or Parquet file written atomically, or stdout as CSV.

    ``buffered`` holds stdout output until the end, so a failure prints nothing.
    """
    import io

    from stance.atomic import atomic_path
    from stance.tables import CsvSink, ParquetSink, is_parquet

    if output is None:
        buffer = io.StringIO() if buffered else sys.stdout
        sink = CsvSink(buffer)
        yield sink
        sink.close()
        if buffered:
            sys.stdout.write(buffer.getvalue())
    elif is_parquet(output):
        with atomic_path(output) as temporary:
            sink = ParquetSink(temporary)
            yield sink
            sink.close()
    else:
        with atomic_path(output) as temporary, temporary.open("w", encoding="utf-8", newline="") as handle:
            sink = CsvSink(handle)
            yield sink
            sink.close()


@contextmanager
def _progress(total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long inputs, only on a terminal and without --quiet."""
    if Settings.quiet or not stderr.is_terminal or total is None:
        yield lambda count: None
        return
    from rich.progress import Progress

    with Progress(console=stderr, transient=True) as bar:
        task = bar.add_task("classifying", total=total)
        yield lambda count: bar.advance(task, count)


@app.command()
def report(
    corpus: Annotated[Optional[Path], typer.Argument(metavar="CORPUS", help="Corpus folder.", show_default="seeds/")] = None,
    model_path: ModelOption = None,
    out: Annotated[Path, typer.Option("--output", "-o", "--out", help="Folder for the reports.")] = Path("reports"),
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Compare framing across the corpus's sources: per-source reports and one comparison (HTML and Markdown)."""
    with user_errors():
        from stance.paths import default_corpus, default_model
        from stance.persist import load_model
        from stance.report import build

        resolved_model = model_path or default_model()
        written = build(corpus or default_corpus(), resolved_model, out, engine, scheduler)
        say_model(resolved_model, load_model(resolved_model))
        say(f"wrote {len(written)} files to {out}/ (open {out / 'index.html'})")


KEY_HELP = "keys: 1-{n} toggle a label · enter save · a accept the guess · n none · s skip · u undo · q quit · labels defined in docs/CODEBOOK.md"


def _show_sentence(row, position: int, total: int, labels: tuple[str, ...], before: str, after: str) -> None:
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


@app.command()
def annotate(
    corpus: Annotated[Path, typer.Argument(metavar="CORPUS", help="Corpus folder whose sentences to label.")],
    labels: Annotated[
        Optional[Path], typer.Option("--labels", help="Labels file to add to.", show_default="CORPUS/labels.csv")
    ] = None,
    model_path: ModelOption = None,
    batch: Annotated[Optional[int], typer.Option("--batch", min=1, help="Stop after this many answers.")] = None,
    strategy: Annotated[str, typer.Option("--strategy", help="uncertain, disagree or random.")] = "uncertain",
    annotator: Annotated[
        Optional[str], typer.Option("--annotator", help="Who answers (recorded per answer).", show_default="login name")
    ] = None,
) -> None:
    """Label sentences in the terminal, the most useful first; every answer is saved at once."""
    with user_errors():
        from stance.annotate import LabelsWriter, context, default_annotator, order_candidates, unlabelled
        from stance.baselines import KeywordRules
        from stance.paths import default_model
        from stance.persist import load_model
        from stance.schema import schema_beside
        from stance.sentences import sentence_table

        labels_path = labels or corpus / "labels.csv"
        table = sentence_table(corpus)
        resolved_model = model_path or default_model()
        model = load_model(resolved_model)
        schema = schema_beside(corpus) if strategy == "disagree" else None
        rules = KeywordRules(model.labels, {l.name: list(l.keywords) for l in schema.labels}).fit(None) if schema else None
        candidates = order_candidates(unlabelled(table, labels_path), model, rules, strategy)
        say_model(resolved_model, model)  # once the options are known good, so a usage error stays one line
        if candidates.empty:
            say("nothing to label: every sentence of the corpus is in the labels file")
            return
        writer = LabelsWriter.open(labels_path)
        who = annotator or default_annotator()
        labels_in_order = tuple(model.labels)
        typer.echo(f"{len(candidates)} sentences to label ({strategy} first); answers go to {labels_path}")
        typer.echo(KEY_HELP.format(n=len(labels_in_order)))
        history: list[tuple[int, str]] = []
        keys = _keys()
        position = 0
        while position < len(candidates) and (batch is None or len(history) < batch):
            row = candidates.iloc[position]
            _show_sentence(row, position + 1, len(candidates), labels_in_order, *context(table, row.id))
            chosen: set[str] = set()
            action = _read_answer(keys, labels_in_order, chosen, row.guess)
            if action == "quit":
                break
            if action == "skip":
                position += 1
            elif action == "undo":
                if history:
                    position, sentence_id = history.pop()
                    writer.remove_last(sentence_id)
                    typer.echo("undone")
                else:
                    typer.echo("nothing to undo")
            else:
                answer = [name for name in labels_in_order if name in action]
                writer.add(row, answer, who)
                typer.echo(f"saved: {';'.join(answer) or '(none)'}")
                history.append((position, row.id))
                position += 1
        typer.echo(f"{len(history)} answer(s) saved to {labels_path}")
        if history and _confirm("Retrain the model with these labels now?"):
            _retrain_after_annotation(labels_path, writer, len(history), model_path)


def _confirm(question: str) -> bool:
    """A yes/no question; the end of input (a script that says nothing more) means no."""
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:
        typer.echo("")
        return False


def _keys() -> Iterator[str]:
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


def _read_answer(keys: Iterator[str], labels: tuple[str, ...], chosen: set[str], guess: str) -> str | set[str]:
    """Read keys until an answer: a set of labels, or 'skip', 'undo' or 'quit'."""
    while True:
        key = next(keys, "")
        if key in ("", "q", "\x03", "\x04"):  # end of input, q, Ctrl-C, Ctrl-D
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


def _retrain_after_annotation(labels_path: Path, writer, answers: int, model_path: Path | None) -> None:
    """Leave-one-source-out macro-F1 without and with the new answers, then train and save."""
    from stance.evaluate import leave_one_source_out
    from stance.paths import default_model_output
    from stance.training import load_training_set, stance_model
    from stance.training import train as train_model

    def macro_f1(path: Path) -> str:
        try:
            training = load_training_set([path])
            if training.data.groups is None:
                return "n/a (no source column)"
            return f"{leave_one_source_out({'stance': stance_model(training)}, training.data)[0].macro_f1:.3f}"
        except StanceError as exc:
            return f"n/a ({exc})"

    # Beside the labels, so that the schema and speakers beside them are found for it too.
    earlier = labels_path.with_name(f".{labels_path.stem}.before-session.csv")
    try:
        before = macro_f1(earlier) if writer.copy_without_last(earlier, answers) else "n/a (no labels before)"
    finally:
        earlier.unlink(missing_ok=True)
    out = model_path or default_model_output()
    # Training evaluates the new model by leaving each source out for its card: that is "after".
    changes = dict((name, after) for name, _, after in train_model([labels_path], out).changes)
    after = f"{changes['macro_f1']:.3f}" if "macro_f1" in changes else "n/a (no source column)"
    typer.echo(f"leave-one-source-out macro-F1: before {before}, after {after}; model written to {out}")


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="New (or empty) folder for the story's corpus.")],
) -> None:
    """Start a corpus for a new story: sources.csv, a commented schema.toml, speakers.csv and labels.csv."""
    with user_errors():
        from stance.scaffold import init_corpus

        written = init_corpus(folder)
        say(f"wrote {', '.join(path.name for path in written)} to {folder}/: fill in schema.toml, add .txt articles")


@app.command()
def suggest(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Corpus folder, or a sentence table (CSV or Parquet with 'text').")
    ],
    n: Annotated[int, typer.Option("--n", min=1, help="How many sentences to suggest.")] = 100,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="CSV to write, in the labels format.")
    ] = Path("suggested.csv"),
    model_path: ModelOption = None,
) -> None:
    """The sentences most worth labelling next, ready for a spreadsheet; 'stance train' takes the file back."""
    with user_errors():
        from stance.atomic import write_text
        from stance.paths import default_model
        from stance.persist import load_model
        from stance.suggest import suggestion_table
        import pandas as pd

        from stance.tables import read_chunks

        resolved_model = model_path or default_model()
        model = load_model(resolved_model)
        say_model(resolved_model, model)
        if input_path.is_dir():
            from stance.sentences import sentence_table

            frame = sentence_table(input_path)
        else:
            frame = pd.concat(list(read_chunks(str(input_path))), ignore_index=True)
        table = suggestion_table(model, frame, n)
        write_text(output, table.to_csv(index=False, lineterminator="\n"))
        say(f"wrote {len(table)} sentences to {output}: fill in 'labels', then 'stance train' with it")
