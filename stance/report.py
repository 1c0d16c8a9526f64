"""``stance report``: classify a corpus and write the framing reports.

Writes, into one folder, ``index.html`` (self-contained: charts inline as SVG),
``index.md`` with PNG charts beside it, one ``<source>.md`` per source, and
``sentences.csv``, the data behind every number. The folder is filled atomically:
if anything fails, the previous reports are left as they were. Output is
deterministic (sorted, no clock time), so committed reports can be checked for
staleness by regenerating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stance.atomic import atomic_folder
from stance.card import read_card
from stance.corpus import article_details
from stance.errors import InputDataError, UsageError
from stance.framing import (
    SourceFraming,
    agreement,
    comparisons,
    evidence,
    finding_sentence,
    least_sure,
    source_shares,
    source_voices,
    speakers_by_side,
    summarise,
)
from stance.labels import parse_labels, read_labelled
from stance.persist import load_model
from stance.schema import SCHEMA_NAME, load_schema
from stance.sentences import sentence_table

LABELS_NAME = "labels.csv"


@dataclass
class Report:
    """Everything the templates render."""

    corpus: str
    stances: list[str]
    display: dict[str, str]
    definitions: dict[str, str]
    sources: list[SourceFraming]
    findings: list[str]
    n_comparisons: int
    n_sentences: int
    thresholds: dict[str, float]
    model_scores: dict | None
    hand_labels: bool


def classify_table(table: pd.DataFrame, model) -> pd.DataFrame:
    """The sentence table with the model's labels, 0/1 columns and probabilities."""
    probabilities = model.predict_proba(table[["text", "is_quote", "speaker_side"]])
    decided = probabilities >= model.thresholds_
    out = table.copy()
    out["labels"] = [";".join(n for n, on in zip(model.labels, row) if on) for row in decided]
    for column, name in enumerate(model.labels):
        out[name] = decided[:, column].astype(int)
    for column, name in enumerate(model.labels):
        out[f"p_{name}"] = np.round(probabilities[:, column], 4)
    return out


def attach_hand_labels(table: pd.DataFrame, corpus_dir: Path, stances: list[str]) -> bool:
    """Add ``hand_labels`` and ``hand_<stance>`` columns from ``labels.csv`` beside the articles, if any."""
    path = corpus_dir / LABELS_NAME
    if not path.exists():
        return False
    hand = read_labelled(path, tuple(stances), min_positives=0).frame
    if (hand["source"] == "").any():
        raise InputDataError("needs a source for every row to be matched with the corpus's sentences", path=path)
    lookup = {(row.source, row.text.strip()): row.labels for row in hand.itertuples()}
    cells = [lookup.get((row.source, row.text.strip())) for row in table.itertuples()]
    # In the model's label order, so that a string comparison with ``labels`` is a set comparison.
    table["hand_labels"] = [";".join(s for s in stances if s in parse_labels(cell or "")) for cell in cells]
    table["hand_labelled"] = [cell is not None for cell in cells]
    for stance in stances:
        table[f"hand_{stance}"] = [int(stance in parse_labels(cell or "")) for cell in cells]
    return True


def _display_names(corpus_dir: Path, stances: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    schema_path = corpus_dir / SCHEMA_NAME
    if schema_path.exists():
        schema = load_schema(schema_path)
        if set(schema.label_names) == set(stances):
            return (
                {label.name: label.display for label in schema.labels},
                {label.name: label.definition for label in schema.labels},
            )
    return {name: name.replace("_", " ").capitalize() for name in stances}, {name: "" for name in stances}


@dataclass(frozen=True)
class SourceInfo:
    """What the manifest says of a source (its first article's outlet, headline and date)."""

    outlet: str
    headline: str
    published: str


def source_infos(corpus_dir: Path) -> dict[str, SourceInfo]:
    """Per source, the manifest details of its first article; the source id is added to the
    outlet where two sources share one."""
    infos: dict[str, SourceInfo] = {}
    for details in article_details(corpus_dir):
        infos.setdefault(details["source"], SourceInfo(details["outlet"], details["headline"], details["published"]))
    counts = pd.Series([info.outlet for info in infos.values()]).value_counts()
    return {
        source: info if counts[info.outlet] == 1 else SourceInfo(f"{info.outlet} ({source})", info.headline, info.published)
        for source, info in sorted(infos.items())
    }


def analyse(
    corpus_dir: Path | str, model, model_scores: dict | None = None, classified: pd.DataFrame | None = None
) -> tuple[Report, pd.DataFrame]:
    """Classify the corpus and compute every figure of the report.

    ``model_scores`` is the stance model's leave-one-source-out entry of its card, shown
    so that readers know how far to trust the labels. ``classified`` is the corpus's
    sentence table already classified elsewhere (on a Dask cluster); without it the
    corpus is classified here.
    """
    corpus_dir = Path(corpus_dir)
    if classified is None:
        classified = classify_table(sentence_table(corpus_dir), model)
    table = classified.reset_index(drop=True)
    stances = list(model.labels)
    display, definitions = _display_names(corpus_dir, stances)
    hand_labels = attach_hand_labels(table, corpus_dir, stances)
    thresholds = dict(zip(stances, map(float, model.thresholds_)))
    infos = source_infos(corpus_dir)
    sources = list(infos)

    framings = []
    for source in sources:
        info = infos[source]
        framing = SourceFraming(
            source=source,
            outlet=info.outlet,
            headline=info.headline,
            published=info.published,
            n_sentences=int((table["source"] == source).sum()),
            shares=source_shares(table, source, stances),
            voices=source_voices(table, source, stances),
            speakers_by_side=speakers_by_side(table, source),
        )
        framing.summary = summarise(framing, display)
        framing.evidence = {stance: evidence(table, source, stance) for stance in stances}
        framing.least_sure = least_sure(table, source, stances, thresholds)
        if hand_labels:
            labelled = table[(table["source"] == source) & table["hand_labelled"]]
            if len(labelled):
                framing.agreement = agreement(labelled, stances)
                framing.disagreements = labelled[labelled["labels"] != labelled["hand_labels"]].sort_values("id")
        framings.append(framing)

    tests = comparisons(table, sources, stances)
    significant = sorted((c for c in tests if c.significant), key=lambda c: (c.p_adjusted, c.stance, c.source_a))
    report = Report(
        corpus=str(corpus_dir),
        stances=stances,
        display=display,
        definitions=definitions,
        sources=framings,
        findings=[finding_sentence(c, {source: info.outlet for source, info in infos.items()}, display) for c in significant],
        n_comparisons=len(tests),
        n_sentences=len(table),
        thresholds=thresholds,
        model_scores=model_scores,
        hand_labels=hand_labels,
    )
    return report, table


def stance_scores(model_path: Path | str) -> dict | None:
    """The stance model's leave-one-source-out scores from the card saved beside it, if any."""
    card = read_card(model_path)
    if not card:
        return None
    return next((m for m in card["evaluation"]["models"] if m["model"] == "stance"), None)


def _markdown_text(value) -> str:
    """Article text made inert in Markdown: no table breaks, and no raw HTML that a renderer would run."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _template_environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("stance", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pct"] = lambda value: f"{value * 100:.0f}%"
    environment.filters["md"] = _markdown_text
    return environment


SENTENCE_COLUMNS_OUT = ["id", "source", "file", "paragraph", "sentence", "text", "is_quote", "speaker", "speaker_side"]


def build(
    corpus_dir: Path | str,
    model_path: Path | str,
    out_dir: Path | str,
    engine: str = "local",
    scheduler: str | None = None,
) -> list[Path]:
    """Classify the corpus with the model and write every report file into ``out_dir``.

    With ``engine="dask"`` the sentences are split and classified on a Dask cluster,
    an article per partition; the figures are the same as the local path's.
    """
    from stance import charts

    model = load_model(model_path)
    classified = None
    if engine == "dask":
        from stance.dask_engine import classify_corpus

        classified = classify_corpus(corpus_dir, model_path, scheduler)
    elif engine != "local":
        raise UsageError(f"--engine {engine!r} is invalid; choose local or dask")
    report, table = analyse(corpus_dir, model, stance_scores(model_path), classified)
    environment = _template_environment()
    sources = [framing.source for framing in report.sources]
    labels = [report.display[stance] for stance in report.stances]
    shares = np.array([[f.shares[s].share for s in report.stances] for f in report.sources])
    lows = np.array([[f.shares[s].low for s in report.stances] for f in report.sources])
    highs = np.array([[f.shares[s].high for s in report.stances] for f in report.sources])
    out_dir = Path(out_dir)
    with atomic_folder(out_dir) as staging:
        heatmap_svg = charts.heatmap(shares, sources, labels, staging / "heatmap.png")
        bars_svg = charts.bar_chart(shares, lows, highs, sources, labels, staging / "shares.png")
        context = {"report": report, "heatmap_svg": heatmap_svg, "bars_svg": bars_svg}
        (staging / "index.html").write_text(environment.get_template("index.html").render(**context), encoding="utf-8")
        (staging / "index.md").write_text(environment.get_template("index.md").render(**context), encoding="utf-8")
        for framing in report.sources:
            page = environment.get_template("source.md").render(report=report, framing=framing)
            (staging / f"{framing.source}.md").write_text(page, encoding="utf-8")
        columns = SENTENCE_COLUMNS_OUT + ["labels"] + report.stances + [f"p_{s}" for s in report.stances]
        if report.hand_labels:
            columns.append("hand_labels")
        table[columns].to_csv(staging / "sentences.csv", index=False, lineterminator="\n")
        written = sorted(path.relative_to(staging) for path in staging.iterdir())
    return [out_dir / path for path in written]
