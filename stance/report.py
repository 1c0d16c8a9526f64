"""``stance report``: classify a corpus and write the framing reports.

Writes, into one folder, ``index.html`` (self-contained: charts inline as SVG),
``index.md`` with PNG charts beside it, one ``<source>.md`` per source, and
``sentences.csv``, the data behind every number. The folder is filled atomically:
if anything fails, the previous reports are left as they were. Output is
deterministic (sorted, no clock time), so committed reports can be checked for
staleness by regenerating them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stance.atomic import atomic_folder
from stance.card import read_card
from stance.classify import classify_table
from stance.corpus import Corpus
from stance.counts import Tally, merge, tally
from stance.errors import InputDataError, UsageError
from stance.framing import (
    ALL_SOURCES,
    MIN_KAPPA_SENTENCES,
    Share,
    SourceFraming,
    agreement,
    comparisons,
    evidence,
    finding_sentence,
    holds_when_corrected,
    least_sure,
    range_check,
    summarise,
    voice_name,
)
from stance.labels import parse_labels, read_labelled
from stance.near_duplicates import DuplicateGroup, duplicate_groups, table_signatures
from stance.persist import load_model
from stance.quantify import calibrations_of
from stance.schema import Schema
from stance.stats import REST
from stance.sentences import sentence_table
from stance.timeline import draw_timeline
from stance.trust import trust_statements

MAX_FINDINGS = 30
"""Findings listed on the page; all of them are in differences.csv."""
MAX_SHOWN_SOURCES = 40
"""Sources detailed in the report (the largest, by sentences counted); every source is in the CSV files."""
CALIBRATED_ON = "the training data's out-of-fold probabilities (sources kept whole)"
"""Where the calibration behind every corrected share was fitted."""
SENTENCE_COLUMNS_OUT = ["id", "source", "file", "paragraph", "sentence", "text", "is_quote", "speaker", "speaker_side"]


@dataclass
class Report:
    """Everything the templates render."""

    corpus: str
    stances: list[str]
    display: dict[str, str]
    definitions: dict[str, str]
    codebook: str
    """Where the schema says the labels are defined in full ('' when it names no codebook)."""
    sources: list[SourceFraming]
    findings: list[str]
    n_findings: int
    n_raw_significant: int
    n_comparisons: int
    pairwise: bool
    n_sentences: int
    thresholds: dict[str, float]
    trust: list[str]
    correction: str | None
    calibrations: dict | None
    pooled: dict[str, Share]
    duplicates: list[DuplicateGroup]
    n_duplicate_sentences: int
    reference_unsure: float | None
    hand_labels: bool
    side_names: dict[str, str]
    differences: pd.DataFrame

    def side(self, side: str) -> str:
        return self.side_names.get(side) or side.replace("_", " ")

    @property
    def shown(self) -> list[SourceFraming]:
        """The sources the pages detail: all of them, or the largest when there are many (in name order)."""
        if len(self.sources) <= MAX_SHOWN_SOURCES:
            return self.sources
        largest = sorted(self.sources, key=lambda framing: (-framing.n_sentences, framing.source))[:MAX_SHOWN_SOURCES]
        return sorted(largest, key=lambda framing: framing.source)

    @property
    def hidden(self) -> int:
        return len(self.sources) - len(self.shown)

    @property
    def share_rows(self) -> list[tuple[str, int, dict[str, Share]]]:
        """(name, sentences, shares) of all sources pooled, then of each source shown."""
        return [("All sources", self.n_sentences, self.pooled)] + [
            (framing.outlet, framing.n_sentences, framing.shares) for framing in self.shown
        ]

    def label_names(self, cell: str) -> str:
        """A labels cell ('a;b') in display names, '(none)' when empty."""
        return ", ".join(self.display.get(name, name) for name in cell.split(";") if name) or "(none)"

    @property
    def outside(self) -> list[SourceFraming]:
        return [framing for framing in self.sources if framing.range_check and framing.range_check.outside]


def hand_label_lookup(corpus: Corpus, stances: list[str]) -> dict[tuple[str, str], str] | None:
    """The corpus's hand labels (``labels.csv`` beside the articles) by (source, text), or None without one."""
    path = corpus.labels_path
    if path is None:
        return None
    hand = read_labelled(path, tuple(stances), min_positives=0).frame
    if (hand["source"] == "").any():
        raise InputDataError("needs a source for every row to be matched with the corpus's sentences", path=path)
    return {(row.source, row.text.strip()): row.labels for row in hand.itertuples()}


def attach_hand_labels(table: pd.DataFrame, lookup: dict[tuple[str, str], str], stances: list[str]) -> None:
    """Add ``hand_labels``, ``hand_labelled`` and ``hand_<stance>`` columns from the hand labels' lookup."""
    cells = [lookup.get((row.source, row.text.strip())) for row in table.itertuples()]
    # In the model's label order, so that a string comparison with ``labels`` is a set comparison.
    table["hand_labels"] = [";".join(s for s in stances if s in parse_labels(cell or "")) for cell in cells]
    table["hand_labelled"] = [cell is not None for cell in cells]
    for stance in stances:
        table[f"hand_{stance}"] = [int(stance in parse_labels(cell or "")) for cell in cells]


def _schema_of(corpus: Corpus, stances: list[str]) -> Schema | None:
    """The corpus's schema when it names the model's labels: else its display names would be another story's."""
    return corpus.schema if set(corpus.schema.label_names) == set(stances) else None


def _display_names(schema: Schema | None, stances: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    if schema is not None:
        return (
            {label.name: label.display for label in schema.labels},
            {label.name: label.definition for label in schema.labels},
        )
    return {name: name.replace("_", " ").capitalize() for name in stances}, {name: "" for name in stances}


@dataclass(frozen=True)
class Counted:
    """A corpus's classified sentences, counted once each: what :func:`analyse` needs of them."""

    tally: Tally
    duplicates: list[DuplicateGroup]
    duplicate_sentences: int
    hand_labels: bool


def sentence_columns(stances: list[str], hand_labels: bool) -> list[str]:
    """The columns of sentences.csv."""
    columns = SENTENCE_COLUMNS_OUT + ["labels"] + stances + [f"p_{s}" for s in stances]
    return columns + (["hand_labels"] if hand_labels else []) + ["duplicate_of"]


def count_parts(
    parts: Iterable[pd.DataFrame], duplicates: list[DuplicateGroup], corpus: Corpus, model, sentences_csv: Path
) -> Counted:
    """Tally the classified sentence table part by part, writing each part to ``sentences.csv`` as it goes.

    Each part gets its hand labels and ``duplicate_of`` (the file a near-copy repeats, '' if
    none); copies are written but not counted. Only one part is held at a time. A corpus
    holds at least one article, so there is at least one part.
    """
    stances = list(model.labels)
    thresholds = dict(zip(stances, map(float, model.thresholds_)))
    calibrations = calibrations_of(model)
    lookup = hand_label_lookup(corpus, stances)
    copy_of = {copy: group.kept for group in duplicates for copy in group.copies}
    columns = sentence_columns(stances, lookup is not None)
    tallies, copies = [], 0
    with sentences_csv.open("w", encoding="utf-8", newline="") as handle:
        for part in parts:
            if lookup is not None:
                attach_hand_labels(part, lookup, stances)
            part["duplicate_of"] = [copy_of.get(name, "") for name in part["file"]]
            part.reindex(columns=columns).to_csv(handle, header=not tallies, index=False, lineterminator="\n")
            counted = part[part["duplicate_of"] == ""]
            copies += len(part) - len(counted)
            tallies.append(tally(counted, stances, thresholds, calibrations))
    return Counted(merge(tallies), duplicates, copies, lookup is not None)


@contextmanager
def _parts_folder(sentences_csv: Path) -> Iterator[Path]:
    """A temporary folder beside ``sentences.csv`` for the classified batches, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=".parts-", dir=sentences_csv.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def count_on_cluster(corpus: Corpus, model, model_path: Path | str, sentences_csv: Path, scheduler: str | None) -> Counted:
    """Classify the corpus on a Dask cluster (:mod:`stance.dask_engine`), then count its stored parts
    here, one at a time."""
    from stance.dask_engine import classify_on_cluster

    with _parts_folder(sentences_csv) as folder:
        paths, signatures = classify_on_cluster(corpus, model_path, folder, scheduler)
        parts = (pd.read_parquet(path) for path in paths)
        return count_parts(parts, duplicate_groups(signatures), corpus, model, sentences_csv)


def count_locally(corpus: Corpus, model, sentences_csv: Path) -> Counted:
    """Classify and count the corpus in this process, as on a cluster: batch by batch into temporary
    files (near-duplicates can be told only once every article is signed), then counted one at a time."""
    with _parts_folder(sentences_csv) as folder:
        paths, signatures = [], {}
        for index, batch in enumerate(corpus.batches()):
            table = classify_table(sentence_table(batch), model)
            signatures.update(table_signatures(table))
            paths.append(folder / f"part-{index:05d}.pickle")
            table.to_pickle(paths[-1])  # read back by this process only
        parts = (pd.read_pickle(path) for path in paths)
        return count_parts(parts, duplicate_groups(signatures), corpus, model, sentences_csv)


@dataclass(frozen=True)
class SourceInfo:
    """What the manifest says of a source (its first article's outlet, headline and date)."""

    outlet: str
    headline: str
    published: str


def source_infos(corpus: Corpus) -> dict[str, SourceInfo]:
    """Per source, the manifest details of its first article; the source id is added to the
    outlet where two sources share one."""
    infos: dict[str, SourceInfo] = {}
    for details in corpus.all_details():
        infos.setdefault(details["source"], SourceInfo(details["outlet"], details["headline"], details["published"]))
    counts = pd.Series([info.outlet for info in infos.values()]).value_counts()
    return {
        source: info if counts[info.outlet] == 1 else SourceInfo(f"{info.outlet} ({source})", info.headline, info.published)
        for source, info in sorted(infos.items())
    }


def differences_table(tests, kept, outlets: dict[str, str]) -> pd.DataFrame:
    """Every comparison made, with its raw and adjusted p-value and whether it is a finding."""
    return pd.DataFrame(
        [
            {
                "stance": c.stance,
                "source_a": c.source_a,
                "source_b": c.source_b,
                "count_a": c.count_a,
                "sentences_a": c.total_a,
                "count_b": c.count_b,
                "sentences_b": c.total_b,
                "p": c.p_value,
                "p_holm": c.p_adjusted,
                "finding": c in kept,
            }
            for c in tests
        ],
        columns=["stance", "source_a", "source_b", "count_a", "sentences_a", "count_b", "sentences_b", "p", "p_holm",
                 "finding"],
    )


def analyse(corpus: Corpus, model, counted: Counted, card: dict | None = None) -> Report:
    """Every figure of the report, from the corpus's counted sentences.

    ``card`` is the model's card (its evaluation and training data), from which the report
    says how far to trust the labels.
    """
    tally = counted.tally
    stances = list(model.labels)
    schema = _schema_of(corpus, stances)
    display, definitions = _display_names(schema, stances)
    side_names = dict(schema.side_names or {}) if schema else {}
    thresholds = dict(zip(stances, map(float, model.thresholds_)))
    calibrations = counted.tally.calibrations
    measured_on = CALIBRATED_ON if calibrations else None
    reference = getattr(model, "unsure_share_", None)
    infos = source_infos(corpus)
    sources = list(infos)

    def side_name(side: str) -> str:
        return side_names.get(side) or side.replace("_", " ")

    framings = []
    for source in sources:
        info = infos[source]
        framing = SourceFraming(
            source=source,
            outlet=info.outlet,
            headline=info.headline,
            published=info.published,
            n_sentences=tally.sentences(source),
            shares=tally.shares(source),
            voices=tally.voices_of(source),
            speakers_by_side=tally.speakers_of(source),
        )
        framing.summary = summarise(framing, display, side_name)
        framing.range_check = range_check(tally, source, reference)
        framing.evidence = {stance: evidence(tally.evidence[tally.evidence["stance"] == stance], source, stance)
                            for stance in stances}
        framing.least_sure = least_sure(tally.least_sure, source, stances, thresholds)
        labelled = tally.hand[tally.hand["source"] == source]
        if len(labelled):
            framing.agreement = agreement(labelled, stances)
            framing.disagreements = labelled[labelled["labels"] != labelled["hand_labels"]].sort_values("id")
        framings.append(framing)

    outlets = {source: info.outlet for source, info in infos.items()} | {REST: "the other sources together"}
    tests = comparisons(tally, [f.source for f in framings if f.n_sentences])
    raw_significant = [c for c in tests if c.significant]
    kept = sorted(
        (c for c in raw_significant if holds_when_corrected(c, tally)), key=lambda c: (c.p_adjusted, c.stance, c.source_a)
    )
    corrected = {framing.source: framing.shares for framing in framings}
    n_sentences = int(tally.articles["sentences"].sum())
    return Report(
        corpus=corpus.name,
        stances=stances,
        display=display,
        definitions=definitions,
        codebook=schema.codebook if schema else "",
        sources=framings,
        findings=[finding_sentence(c, outlets, display, corrected) for c in kept[:MAX_FINDINGS]],
        n_findings=len(kept),
        n_raw_significant=len(raw_significant),
        n_comparisons=len(tests),
        pairwise=not any(c.source_b == REST for c in tests),
        n_sentences=n_sentences,
        thresholds=thresholds,
        trust=trust_statements(card, sources, measured_on, display),
        correction=measured_on,
        calibrations=calibrations,
        pooled=tally.shares(),
        duplicates=counted.duplicates,
        n_duplicate_sentences=counted.duplicate_sentences,
        reference_unsure=reference,
        hand_labels=counted.hand_labels,
        side_names=side_names,
        differences=differences_table(tests, set(kept), outlets),
    )


def shares_frame(report: Report) -> pd.DataFrame:
    """shares.csv: per source and label (and pooled, as source '(all)'), raw and corrected shares as fractions."""
    rows = []
    for source, n_sentences, shares in [(f.source, f.n_sentences, f.shares) for f in report.sources] + [
        (ALL_SOURCES, report.n_sentences, report.pooled)
    ]:
        for stance in report.stances:
            share = shares[stance]
            rows.append(
                {
                    "source": source,
                    "label": stance,
                    "sentences": n_sentences,
                    **share.columns(),
                }
            )
    return pd.DataFrame(rows)


_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def _markdown_text(value) -> str:
    """Article text made inert in Markdown: no table breaks, and no raw HTML that a renderer would run."""
    # '&' is escaped only where it would start an entity ('&lt;' in the text stays literal), so that
    # 'News & Review' reads as written in the raw file too.
    text = _ENTITY_START.sub("&amp;", str(value)).replace("<", "&lt;").replace(">", "&gt;")
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
    environment.filters["side"] = lambda side, report: report.side(side) if side else "side unknown"
    environment.filters["voice"] = lambda who, report: voice_name(who, report.side)
    environment.filters["labels"] = lambda cell, report: report.label_names(cell or "")
    environment.globals["min_kappa"] = MIN_KAPPA_SENTENCES
    return environment


MANIFEST = ".stance-report"
"""The names of the files the last report wrote: the next removes those it does not write again."""


def _panel_arrays(shares: list[dict[str, Share]], stance: str) -> tuple[np.ndarray, ...]:
    """Arrays for a chart panel: raw, then the corrected share and its interval (the raw share and its
    Wilson interval where there is no correction, with raw NaN so that no hollow mark doubles it)."""
    rows = []
    for share in (by_stance[stance] for by_stance in shares):
        if share.corrected is None:
            rows.append((np.nan, share.share, share.low, share.high))
        else:
            rows.append((share.share, share.corrected, share.corrected_low, share.corrected_high))
    values = np.array(rows, dtype=float).reshape(-1, 4)
    return values[:, 0], values[:, 1], values[:, 2], values[:, 3]


def draw_share_charts(report: Report, folder: Path) -> list[tuple[str, str, str]]:
    """(stance, SVG, PNG name) of each stance's dot-and-interval panel; all sources pooled on top."""
    from stance import charts

    shown = [framing for framing in report.shown if framing.n_sentences]  # a source made of copies has none
    labels = ["all sources"] + [framing.outlet for framing in shown]
    shares = [report.pooled] + [framing.shares for framing in shown]
    panels = []
    for stance in report.stances:
        name = f"shares-{stance}.png"
        raw, point, low, high = _panel_arrays(shares, stance)
        svg = charts.share_panel(report.display[stance], labels, raw, point, low, high, folder / name)
        panels.append((stance, svg, name))
    return panels


def _remove_stale(out_dir: Path, previous: set[str], written: set[str]) -> None:
    for name in sorted(previous - written):
        path = out_dir / name
        if path.is_file() and path.parent == out_dir:
            path.unlink()


def _previous_files(out_dir: Path) -> set[str]:
    try:
        return {line for line in (out_dir / MANIFEST).read_text(encoding="utf-8").splitlines() if line and "/" not in line}
    except OSError:
        return set()


def build(
    corpus: Corpus,
    model_path: Path | str,
    out_dir: Path | str,
    engine: str = "local",
    scheduler: str | None = None,
) -> list[Path]:
    """Classify the corpus with the model and write every report file into ``out_dir``.

    With ``engine="dask"`` the sentences are split, classified and written a batch of
    articles per partition on a Dask cluster, then counted a partition at a time; the
    files are the same as the local path's. Files an earlier report wrote and this one
    does not (the page of a source no longer in the corpus) are removed; other files in
    the folder are left alone.
    """
    if engine not in ("local", "dask"):
        raise UsageError(f"--engine {engine!r} is invalid; choose local or dask")
    model = load_model(model_path)
    environment = _template_environment()
    out_dir = Path(out_dir)
    previous = _previous_files(out_dir)
    with atomic_folder(out_dir) as staging:
        if engine == "dask":
            counted = count_on_cluster(corpus, model, model_path, staging / "sentences.csv", scheduler)
        else:
            counted = count_locally(corpus, model, staging / "sentences.csv")
        report = analyse(corpus, model, counted, read_card(model_path))
        panels = draw_share_charts(report, staging)
        timeline = draw_timeline(report, counted.tally.articles, corpus, staging)
        context = {"report": report, "panels": panels, "timeline": timeline}
        (staging / "index.html").write_text(environment.get_template("index.html").render(**context), encoding="utf-8")
        (staging / "index.md").write_text(environment.get_template("index.md").render(**context), encoding="utf-8")
        for framing in report.shown:
            page = environment.get_template("source.md").render(report=report, framing=framing)
            (staging / f"{framing.source}.md").write_text(page, encoding="utf-8")
        shares_frame(report).to_csv(staging / "shares.csv", index=False, lineterminator="\n")
        report.differences.to_csv(staging / "differences.csv", index=False, lineterminator="\n")
        if timeline:
            timeline.frame.to_csv(staging / "over_time.csv", index=False, lineterminator="\n")
        written = sorted(path.name for path in staging.iterdir())
        (staging / MANIFEST).write_text("".join(f"{name}\n" for name in written), encoding="utf-8")
    _remove_stale(out_dir, previous, set(written))
    return [out_dir / name for name in written]
