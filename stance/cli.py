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
from typer.core import TyperArgument, TyperCommand, TyperGroup

from stance.errors import StanceError, UsageError

class Settings:
    debug = False
    quiet = False


GLOBAL_FLAGS = ("-q", "--quiet", "--debug")


class StanceGroup(TyperGroup):
    """The command group: the global flags are taken after the command name too
    (``stance report -q``), as users type them, by moving them before it."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        flags = [arg for arg in args[:end] if arg in GLOBAL_FLAGS]
        rest = [arg for arg in args[:end] if arg not in GLOBAL_FLAGS]
        return super().parse_args(ctx, flags + rest + args[end:])


class StanceCommand(TyperCommand):
    """A command whose help reads as Unix tools' does.

    Typer labels every value with its Python type (``<path>``, ``<bool>``) and a required
    argument as ``{CORPUS}``; here an option's value is an upper-case metavar, a flag has
    none, and an argument is named by its metavar alone.
    """

    def __init__(self, *args, **kwargs):
        kwargs["epilog"] = "-q/--quiet and --debug may be given here too."
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = lambda ctx: None  # its metavar (CORPUS, LABELS) says it all
            elif not param.is_flag and param.metavar is None:
                param.metavar = _metavar(param.type_descriptor.annotation, param.type_descriptor.is_path)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [piece.replace("{", "").replace("}", "") for piece in super().collect_usage_pieces(ctx)]


def _metavar(annotation, is_path: bool) -> str:
    if is_path:
        return "PATH"
    return {int: "N", float: "NUMBER"}.get(annotation, "TEXT")


app = typer.Typer(
    cls=StanceGroup,
    help="Label news sentences by the stance they convey and compare how outlets frame a story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, as Unix tools print it: upper-case metavars, no <bool>
    context_settings={"help_option_names": ["-h", "--help"]},
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


CLOSED_PIPE = 141
"""The exit code of a command whose reader closed the pipe: 128 + SIGPIPE, as a shell reports it."""


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
    Optional[Path], typer.Option("--model", metavar="FILE", help="Model file.", show_default="models/stance.skops, else the shipped model")
]
SourcedLabels = Annotated[
    Optional[list[Path]],
    typer.Argument(metavar="LABELS", help="Labelled sentences with a source column.", show_default="seeds/labels.csv"),
]
SchemaOption = Annotated[
    Optional[Path],
    typer.Option("--schema", metavar="FILE", help="The story's schema.toml.", show_default="beside the labels, else the shipped story's"),
]
SpeakersOption = Annotated[
    Optional[Path],
    typer.Option("--speakers", metavar="FILE", help="The story's speakers.csv.", show_default="beside the labels"),
]
EngineOption = Annotated[str, typer.Option("--engine", metavar="local|dask", help="local (this process) or dask (a cluster).")]
SchedulerOption = Annotated[
    Optional[str], typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address.", show_default="a local 2-worker cluster")
]


@app.command(cls=StanceCommand)
def sentences(
    corpus: Annotated[
        Optional[Path],
        typer.Argument(metavar="CORPUS", help="Corpus folder: .txt articles plus sources.csv.", show_default="seeds/"),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="CSV or .parquet file to write; stdout if omitted.")
    ] = None,
    unlabelled: Annotated[
        bool,
        typer.Option(
            "--unlabelled", help="Only sentences not in the labels file, in the labels format, ready to fill in."
        ),
    ] = False,
    labels: Annotated[
        Optional[Path], typer.Option("--labels", metavar="FILE", help="Labels file for --unlabelled.", show_default="CORPUS/labels.csv")
    ] = None,
) -> None:
    """Split a corpus into the sentence table: clean sentences with their quotation and speaker."""
    with user_errors():
        from stance.corpus import LABELS_NAME, Corpus
        from stance.paths import default_corpus
        from stance.sentences import sentence_chunks

        opened = Corpus.open(corpus or default_corpus())
        chunks = sentence_chunks(opened)
        if unlabelled:
            from stance.annotate import unlabelled as not_yet_labelled

            labels_path = labels or opened.folder / LABELS_NAME
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


@app.command(cls=StanceCommand)
def train(
    data: Annotated[
        Optional[list[Path]],
        typer.Argument(metavar="LABELS", help="Labelled sentences (CSV, codebook format).", show_default="seeds/labels.csv"),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--output", "-o", "--out", metavar="FILE", help="Model file to write.", show_default="models/stance.skops")
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Train the lexical model (no encoder), for corpora of millions.")
    ] = False,
    dev: Annotated[
        Optional[Path],
        typer.Option("--dev", metavar="FILE", help="Development set: scored, with its error counts, in the card."),
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
        evaluation = result.card["evaluation"]
        if result.changes:
            say(f"  leave-one-source-out, {evaluation['scored']}")
        for name, before, after in result.changes:
            change = f"{before:.3f} -> {after:.3f} ({after - before:+.3f})" if before is not None else f"{after:.3f}"
            say(f"  {name:<24} {change}")
        for name, positives in evaluation.get("few_positives", {}).items():
            say(f"  only {positives} scored sentence(s) carry {name}: its F1 says little; label more of them")


@app.command(cls=StanceCommand)
def evaluate(
    data: SourcedLabels = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Also score the model with each feature group off.")] = False,
    learning_curve: Annotated[
        bool, typer.Option("--learning-curve", help="Macro-F1 against the number of training sentences instead.")
    ] = False,
    plot: Annotated[
        Optional[Path],
        typer.Option(
            "--plot",
            metavar="FILE",
            help="Where --learning-curve or --adaptation draws its chart (PNG).",
            show_default="learning_curve.png or adaptation.png",
        ),
    ] = None,
    dev: Annotated[
        Optional[Path], typer.Option("--dev", metavar="FILE", help="Also score every model, trained on all the data, on this set.")
    ] = None,
    adaptation: Annotated[
        bool,
        typer.Option(
            "--adaptation",
            help="With --dev, taken as a new corpus in 3 parts (cut 3 times over, averaged): score each part with a "
            "model given k = 0, 10, 25, 50 or 100 labelled sentences of the other parts (as suggest picks them, and "
            "at random), and draw the curve.",
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

        if plot is not None and not (learning_curve or adaptation):
            raise UsageError("--plot draws a curve: use it with --learning-curve or --adaptation")
        training = load_training_set(data or [default_labels()], schema, speakers)
        if training.data.groups is None:
            raise UsageError("leave-one-source-out needs a 'source' column filled in for every sentence")
        if adaptation and dev is None:
            raise UsageError("--adaptation needs --dev FILE: the labelled sentences of the new corpus")
        if learning_curve:
            _learning_curve(training, as_json, plot or Path("learning_curve.png"))
            return
        if adaptation:
            _adaptation(training, dev, as_json, plot or Path("adaptation.png"))
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


def _adaptation(training, dev: Path, as_json: bool, plot: Path) -> None:
    from stance.charts import adaptation_chart
    from stance.evaluate import adaptation_curve, format_adaptation
    from stance.suggest import choose
    from stance.training import load_dev_set, stance_model

    pool = load_dev_set(dev, training)
    points = adaptation_curve(stance_model(training), training.data, pool, choose, progress=progress_callback("adaptation"))
    table = format_adaptation(points, training.data.label_names)
    _show_curve(points, lambda path: adaptation_chart(points, path), table, as_json, plot)


def _learning_curve(training, as_json: bool, plot: Path) -> None:
    from stance.charts import learning_curve_chart
    from stance.evaluate import format_curve, learning_curve
    from stance.training import stance_model

    say("evaluate: learning curve (4 sizes x leave-one-source-out)")
    points = learning_curve(stance_model(training), training.data)
    sizes, scores = [p.mean_training_sentences for p in points], [p.macro_f1 for p in points]
    _show_curve(points, lambda path: learning_curve_chart(sizes, scores, path), format_curve(points), as_json, plot)


def _show_curve(points: list, draw: Callable[[Path], None], table: str, as_json: bool, plot: Path) -> None:
    """Draw a curve's chart (written atomically), then print its points as JSON or as the table."""
    import json
    from dataclasses import asdict

    from stance.atomic import atomic_path

    with atomic_path(plot) as temporary:
        draw(temporary)
    sys.stdout.write(json.dumps([asdict(point) for point in points], indent=2) + "\n" if as_json else table)
    say(f"chart written to {plot}")


@app.command(cls=StanceCommand)
def audit(
    data: SourcedLabels = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many suspects to list.")] = 20,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Also write all suspects as CSV.")] = None,
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
            typer.echo(f"{row.rank:>3}. [{row.source}] {row.label}: given {row.given}, {verdict} (model {row.model_probability:.2f})")
            typer.echo(f"     {row.text}")
            if row.note:
                typer.echo(f"     note: {row.note}")


@app.command(cls=StanceCommand)
def classify(
    input_path: Annotated[
        Optional[str],
        typer.Argument(
            metavar="INPUT",
            help="CSV, TSV, JSONL, Parquet or text file (one sentence a line), a folder of them, a corpus folder "
            "(split into sentences), or - for stdin.",
        ),
    ] = None,
    text: Annotated[Optional[str], typer.Option("--text", metavar="SENTENCE", help="Classify this one sentence instead.")] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="CSV or .parquet file to write (a folder with --engine dask); stdout if omitted."),
    ] = None,
    model_path: ModelOption = None,
    text_column: Annotated[str, typer.Option("--text-column", metavar="NAME", help="Column (or JSON field) holding the sentence.")] = "text",
    input_format: Annotated[
        Optional[str],
        typer.Option("--format", metavar="FORMAT", help="csv, tsv, jsonl, parquet or txt.", show_default="from the file name; txt for stdin"),
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
        from stance.tables import corpus_folder_strays, count_rows, read_chunks

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
        elif input_path != "-" and Path(input_path).is_dir() and (strays := corpus_folder_strays(Path(input_path))) is not None:
            from stance.corpus import Corpus
            from stance.sentences import sentence_chunks

            if strays:  # said at once, before any row: a corpus reads its articles, not these
                stderr.print(f"warning: {input_path}: not read, not articles of the corpus: {', '.join(strays)}", markup=False)
            chunks, total = sentence_chunks(Corpus.open(input_path)), None
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
    from stance.tables import corpus_folder_strays

    if Path(input_path).is_dir() and corpus_folder_strays(Path(input_path)) is not None:
        raise UsageError("--engine dask classifies sentence tables: run 'stance sentences' on the corpus first")
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


@app.command(cls=StanceCommand)
def report(
    corpus: Annotated[Optional[Path], typer.Argument(metavar="CORPUS", help="Corpus folder.", show_default="seeds/")] = None,
    model_path: ModelOption = None,
    out: Annotated[Path, typer.Option("--output", "-o", "--out", metavar="FOLDER", help="Folder for the reports.")] = Path("reports"),
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Compare framing across the corpus's sources: per-source reports and one comparison (HTML and Markdown)."""
    with user_errors():
        from stance.corpus import Corpus
        from stance.paths import default_corpus, default_model
        from stance.persist import load_model
        from stance.report import build

        resolved_model = model_path or default_model()
        written = build(Corpus.open(corpus or default_corpus()), resolved_model, out, engine, scheduler)
        say_model(resolved_model, load_model(resolved_model))
        say(f"wrote {len(written)} files to {out}/ (open {out / 'index.html'})")


@app.command(cls=StanceCommand)
def annotate(
    corpus: Annotated[Path, typer.Argument(metavar="CORPUS", help="Corpus folder whose sentences to label.")],
    labels: Annotated[
        Optional[Path], typer.Option("--labels", metavar="FILE", help="Labels file to add to.", show_default="CORPUS/labels.csv")
    ] = None,
    model_path: ModelOption = None,
    batch: Annotated[Optional[int], typer.Option("--batch", min=1, help="Stop after this many answers.")] = None,
    strategy: Annotated[str, typer.Option("--strategy", metavar="suggest|uncertain|disagree|random", help="Which sentences to ask first.")] = "suggest",
    annotator: Annotated[
        Optional[str], typer.Option("--annotator", metavar="NAME", help="Who answers (recorded per answer).", show_default="login name")
    ] = None,
) -> None:
    """Label sentences in the terminal, the most useful first; every answer is saved at once.

    Strategies: suggest (the default) asks first about the typical sentence of each kind the labels
    file does not cover, then the rest by closeness to a threshold; uncertain asks in that closeness
    order alone; disagree asks where the model and the codebook's keyword rules differ; random asks
    in a fixed random order.

    Keys: a digit toggles a label (1 the first), Enter saves, a accepts the model's guess, n saves
    "no label", s skips, u undoes the last answer, q quits. At the end it offers to retrain on the
    model's training files plus the labels file."""
    with user_errors():
        from stance.annotate import LabelsWriter, default_annotator, order_candidates, unlabelled
        from stance.attribution import SPEAKERS_NAME
        from stance.baselines import KeywordRules
        from stance.corpus import LABELS_NAME, Corpus
        from stance.paths import default_model, default_model_output
        from stance.persist import load_model
        from stance.schema import SCHEMA_NAME
        from stance.sentences import sentence_table
        from stance.session import KEY_HELP, Session, confirm, retrain_after_session

        opened = Corpus.open(corpus)
        labels_path = labels or opened.folder / LABELS_NAME
        table = sentence_table(opened)
        resolved_model = model_path or default_model()
        model = load_model(resolved_model)
        keywords = {label.name: list(label.keywords) for label in opened.schema.labels}
        rules = KeywordRules(model.labels, keywords).fit(None) if strategy == "disagree" else None
        remaining = unlabelled(table, labels_path)
        candidates = order_candidates(remaining, model, rules, strategy, labelled=table.drop(index=remaining.index))
        say_model(resolved_model, model)  # once the options are known good, so a usage error stays one line
        if candidates.empty:
            say("nothing to label: every sentence of the corpus is in the labels file")
            return
        writer = LabelsWriter.open(labels_path)
        labels_in_order = tuple(model.labels)
        typer.echo(f"{len(candidates)} sentences to label ({strategy} first); answers go to {labels_path}")
        typer.echo(KEY_HELP.format(n=len(labels_in_order)))
        session = Session(candidates, table, labels_in_order, writer, annotator or default_annotator())
        answers = session.run(batch)
        typer.echo(f"{answers} answer(s) saved to {labels_path}")
        if answers and confirm("Retrain the model with these labels now?"):
            story_files = [opened.folder / SCHEMA_NAME, opened.folder / SPEAKERS_NAME]
            schema_file, speakers_file = (path if path.exists() else None for path in story_files)
            retrain_after_session(
                labels_path, writer, answers, resolved_model, model_path or default_model_output(),
                schema_file, speakers_file, say,
            )


@app.command(cls=StanceCommand)
def init(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="New (or empty) folder for the story's corpus.")],
) -> None:
    """Start a corpus for a new story: sources.csv, a commented schema.toml, speakers.csv and labels.csv."""
    with user_errors():
        from stance.scaffold import init_corpus

        written = init_corpus(folder)
        say(f"wrote {', '.join(path.name for path in written)} to {folder}/: fill in schema.toml, add .txt articles")


@app.command(cls=StanceCommand)
def suggest(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Corpus folder, or a sentence table (CSV or Parquet with 'text').")
    ],
    n: Annotated[int, typer.Option("--n", min=1, help="How many sentences to suggest.")] = 100,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="CSV to write, in the labels format ('-' for stdout).")
    ] = Path("suggested.csv"),
    model_path: ModelOption = None,
) -> None:
    """The sentences most worth labelling next, ready for a spreadsheet; 'stance train' takes the file back.

    The most representative of the corpus come first, and none the model was trained on; the kinds
    of sentence those already cover are passed over, so a second round asks about what the first
    did not cover."""
    with user_errors():
        from stance.atomic import write_text
        from stance.paths import default_model
        from stance.persist import load_model
        from stance.suggest import stripped_texts, suggestion_table
        import pandas as pd

        from stance.tables import read_chunks
        from stance.training import training_texts

        resolved_model = model_path or default_model()
        model = load_model(resolved_model)
        say_model(resolved_model, model)
        if input_path.is_dir():
            from stance.corpus import Corpus
            from stance.sentences import sentence_table

            frame = sentence_table(Corpus.open(input_path))
        else:
            frame = pd.concat(list(read_chunks(str(input_path))), ignore_index=True)
        trained_on = stripped_texts(frame).isin(training_texts(resolved_model)).to_numpy()
        if trained_on.any():
            say(f"passing over {int(trained_on.sum())} sentences the model was trained on")
        table = suggestion_table(model, frame, n, labelled=trained_on)
        if len(table) < n:
            say(f"only {len(table)} sentences of {input_path} are left that the model was not trained on; add articles for more")
        if str(output) == "-":
            sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
            return
        write_text(output, table.to_csv(index=False, lineterminator="\n"))
        say(
            f"wrote {len(table)} sentences to {output}: fill in 'labels' (an empty cell means no stance: delete the "
            "rows you do not judge), then 'stance train' with it"
        )
