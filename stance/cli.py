"""The ``stance`` command line: a thin layer that parses, calls the library, and prints.

Each command is a few lines over a library function. The library raises
:class:`stance.errors.StanceError` for anything a user can fix; here it becomes one
line on stderr and the exit code of its kind, with the traceback only under --debug.
Heavy libraries (pandas, scikit-learn) are imported inside the commands, so that
``stance --help`` answers at once.
"""

from __future__ import annotations

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
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class Settings:
    debug = False
    quiet = False


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Label news sentences by stance and compare outlets' framing."""
    Settings.debug = debug
    Settings.quiet = quiet


def say(message: str) -> None:
    """A status line on stderr (stdout stays clean for data)."""
    if not Settings.quiet:
        stderr.print(message)


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
            stderr.print(f"error: {exc}", markup=False)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            stderr.print("interrupted: nothing was written", markup=False)
            raise typer.Exit(code=130) from None
        finally:
            for warning in caught:
                if issubclass(warning.category, UserWarning) and warning.category.__module__.startswith("stance"):
                    stderr.print(f"warning: {warning.message}", markup=False)


def progress_callback(description: str) -> Callable[[str], None]:
    return lambda step: say(f"{description}: {step}")


ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@app.command()
def sentences(
    corpus: Annotated[
        Optional[Path],
        typer.Argument(help="Corpus folder: .txt articles plus sources.csv.", show_default="seeds/"),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="CSV file to write; stdout if omitted.")] = None,
) -> None:
    """Split a corpus into the sentence table: clean sentences with their quotation and speaker."""
    with user_errors():
        from stance.atomic import write_text
        from stance.paths import default_corpus
        from stance.sentences import sentence_table

        table = sentence_table(corpus or default_corpus())
        text = table.to_csv(index=False, lineterminator="\n")
        if output is None:
            sys.stdout.write(text)
        else:
            write_text(output, text)
            say(f"wrote {len(table)} sentences to {output}")


@app.command()
def train(
    data: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Labelled sentences (CSV, codebook format).", show_default="seeds/labels.csv"),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Model file to write.", show_default="models/stance.skops")
    ] = None,
) -> None:
    """Train the stance model; write it with its model card, and show how it compares with the one it replaces."""
    with user_errors():
        from stance.paths import default_labels, default_model_output
        from stance.training import train as train_model

        paths = data or [default_labels()]
        out = out or default_model_output()
        result = train_model(paths, out, progress=progress_callback("train"))
        say(f"wrote {out} and its model card")
        for name, before, after in result.changes:
            change = f"{before:.3f} -> {after:.3f} ({after - before:+.3f})" if before is not None else f"{after:.3f}"
            say(f"  {name:<24} {change}")


@app.command()
def evaluate(
    data: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Labelled sentences with a source column.", show_default="seeds/labels.csv"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Also score the model with each feature group off.")] = False,
) -> None:
    """Leave-one-source-out scores of the stance model and two baselines, per label."""
    with user_errors():
        import json

        from stance.evaluate import format_table
        from stance.paths import default_labels
        from stance.training import evaluate as evaluate_models
        from stance.training import load_training_set

        training = load_training_set(data or [default_labels()])
        if training.data.groups is None:
            raise UsageError("leave-one-source-out needs a 'source' column filled in for every sentence")
        results = evaluate_models(training, ablation=ablation, progress=progress_callback("evaluate"))
        if as_json:
            sys.stdout.write(json.dumps([result.as_dict() for result in results], indent=2) + "\n")
        else:
            sys.stdout.write(format_table(results, training.data.label_names))


@app.command()
def classify(
    input_path: Annotated[
        Optional[str],
        typer.Argument(metavar="INPUT", help="CSV, JSONL or text file (one sentence a line), or - for stdin."),
    ] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Classify this one sentence instead.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="CSV to write; stdout if omitted.")] = None,
    model_path: Annotated[
        Optional[Path], typer.Option("--model", help="Model file.", show_default="models/stance.skops, else the shipped model")
    ] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Column (or JSON field) holding the sentence.")] = "text",
    input_format: Annotated[
        Optional[str],
        typer.Option("--format", help="csv, tsv, jsonl or txt.", show_default="from the file name; txt for stdin"),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the features that pushed each label most.")] = False,
) -> None:
    """Label sentences with the stance model: the input's columns, then labels, 0/1 per label and probabilities."""
    with user_errors():
        import io

        import pandas as pd

        from stance.atomic import atomic_path
        from stance.classify import classify_stream, count_lines, detect_format, read_chunks
        from stance.paths import default_model
        from stance.persist import load_model

        if (input_path is None) == (text is None):
            raise UsageError("give an INPUT file (or - for stdin) or --text, not both and not neither")
        model = load_model(model_path or default_model())
        if text is not None:
            chunks = iter([pd.DataFrame({text_column: [text]})])
            total = 1
        else:
            chunks = read_chunks(input_path, input_format or detect_format(input_path), text_column)
            total = count_lines(input_path) if output is not None else None
        with _progress(total) as advance:
            if output is None:
                buffer = io.StringIO() if text is not None else sys.stdout
                count = classify_stream(model, chunks, buffer, text_column, explain, on_chunk=advance)
                if text is not None:
                    sys.stdout.write(buffer.getvalue())
            else:
                with atomic_path(output) as temporary, temporary.open("w", encoding="utf-8", newline="") as sink:
                    count = classify_stream(model, chunks, sink, text_column, explain, on_chunk=advance)
                say(f"classified {count} sentences into {output}")


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
    corpus: Annotated[Optional[Path], typer.Argument(help="Corpus folder.", show_default="seeds/")] = None,
    model_path: Annotated[
        Optional[Path], typer.Option("--model", help="Model file.", show_default="models/stance.skops, else the shipped model")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path("reports"),
) -> None:
    """Compare framing across the corpus's sources: per-source reports and one comparison (HTML and Markdown)."""
    with user_errors():
        from stance.paths import default_corpus, default_model
        from stance.report import build

        written = build(corpus or default_corpus(), model_path or default_model(), out)
        say(f"wrote {len(written)} files to {out}/ (open {out / 'index.html'})")
