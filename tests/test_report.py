"""stance.report: the framing reports built from a small corpus in tmp_path with a tiny trained model,
checked against the data they are built from; and the committed reports/ checked for staleness."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import BLAMES_SEOUL, NEUTRAL, PRO_EXTENSION, ROOT, SEEDS, with_sources, write_labels_csv

from stance import charts
from stance.card import card_paths
from stance.persist import load_model
from stance.report import analyse, build
from stance.training import train

STANCES = ["pro_extension", "blames_seoul", "blames_tokyo", "blames_us"]  # the seed schema's order
DISPLAY = {"pro_extension": "Pro-extension", "blames_seoul": "Blames Seoul", "blames_tokyo": "Blames Tokyo",
           "blames_us": "Blames Washington"}

BLAMES_TOKYO = [
    "Tokyo's export controls were retaliation.",
    "Critics called Japan's curbs a retaliation.",
    "Tokyo used trade as retaliation against Seoul's courts.",
    "The retaliation by Tokyo deepened the feud.",
    "Japan's retaliation was a political tool.",
    "Tokyo's retaliation hurt exporters.",
]
BLAMES_US = [
    "Washington sat on the sidelines.",
    "The United States stayed on the sidelines of the feud.",
    "Washington watched from the sidelines.",
    "Critics said Washington's sidelines approach failed.",
    "The U.S. remained on the sidelines for months.",
    "Washington kept to the sidelines.",
]

SCRIPT_SENTENCE = "Seoul's choice was mistaken <script>alert(1)</script> and wrong."
DOUBLE_SENTENCE = "Seoul was mistaken and Tokyo used retaliation."  # the model gives it two labels
MINISTERS = "The ministers met in Nagoya on Friday."

# source id -> (outlet, published, headline, paragraphs). The model labels 'mistaken ... Seoul' as
# blaming Seoul, 'crucial ... extend' as pro-extension, 'retaliation' as blaming Tokyo; nothing here
# mentions Washington's 'sidelines', so no sentence blames Washington.
ARTICLES = {
    "alpha": ("Alpha Times", "2019-08-23", "Alpha's headline", [
        "Seoul made a mistaken decision to quit the pact.",
        "Analysts said the decision by Seoul was mistaken.",
        SCRIPT_SENTENCE,
        DOUBLE_SENTENCE,
        "Critics called the move by Seoul mistaken.",
        "Seoul's withdrawal was a mistaken gamble.",
        MINISTERS,
        "The talks resumed on Monday.",
    ]),
    "beta": ("Beta News", "2019-11-22", "Beta's headline", [
        "Extending the pact is crucial, the minister said.",
        "The crucial pact should be extended.",
        "Reporters gathered outside the ministry.",
        "The delegates had lunch at noon.",
        "The hall was full of diplomats.",
        "Officials arrived late in the evening.",
        "The weather in the capital was mild.",
        "Cameras lined the street outside.",
        "The session ended after dark.",
        "A second round is expected.",
    ]),
    "gamma": ("Gamma Daily", "2019-11", "Gamma's headline", [
        "Tokyo's curbs were plainly retaliation.",
        "The pact is crucial and should be extended.",
        "The summit is planned for December.",
        "Both delegations arrived by train.",
    ]),
}

# Hand labels for four of alpha's sentences only: one agreement, one agreement written in another
# label order than the model's, one real disagreement (hand says Blames Seoul, the model nothing),
# and one agreement on no label.
HAND_LABELS = [
    ("alpha", "Seoul made a mistaken decision to quit the pact.", "blames_seoul"),
    ("alpha", DOUBLE_SENTENCE, "blames_tokyo;blames_seoul"),
    ("alpha", MINISTERS, "blames_seoul"),
    ("alpha", "The talks resumed on Monday.", ""),
]


def make_corpus(folder: Path, articles: dict, hand_labels=None) -> Path:
    """A corpus folder: one .txt article per source, sources.csv, the seed schema.toml, and labels.csv if given."""
    folder.mkdir(parents=True)
    shutil.copy(SEEDS / "schema.toml", folder / "schema.toml")
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "source", "outlet", "published", "headline"])
        for index, (source, (outlet, published, headline, paragraphs)) in enumerate(articles.items()):
            name = f"{index:03d}_{source}.txt"
            (folder / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
            writer.writerow([name, source, outlet, published, headline])
    if hand_labels is not None:
        write_labels_csv(folder / "labels.csv", hand_labels, header=("source", "text", "labels"))
    return folder


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    """A stance model for the seed schema's four labels, trained on synthetic sentences (with its card)."""
    folder = tmp_path_factory.mktemp("training")
    shutil.copy(SEEDS / "schema.toml", folder / "schema.toml")
    rows = (
        [(text, "blames_seoul") for text in BLAMES_SEOUL]
        + [(text, "pro_extension") for text in PRO_EXTENSION]
        + [(text, "blames_tokyo") for text in BLAMES_TOKYO]
        + [(text, "blames_us") for text in BLAMES_US]
        + [(text, "") for text in NEUTRAL]
    )
    labels = write_labels_csv(folder / "labels.csv", with_sources(rows), header=("text", "labels", "source"))
    out = folder / "stance.skops"
    train([labels], out)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("main") / "corpus", ARTICLES, HAND_LABELS)


@pytest.fixture(scope="module")
def report_dir(corpus, model_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("main-report") / "reports"
    build(corpus, model_file, out)
    return out


@pytest.fixture(scope="module")
def solo_report_dir(model_file, tmp_path_factory) -> Path:
    """One source and no labels.csv."""
    folder = make_corpus(tmp_path_factory.mktemp("solo") / "corpus", {"gamma": ARTICLES["gamma"]})
    out = folder.parent / "reports"
    build(folder, model_file, out)
    return out


@pytest.fixture(scope="module")
def sentences(report_dir) -> pd.DataFrame:
    return pd.read_csv(report_dir / "sentences.csv", keep_default_na=False)


def text_of(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def markdown_table(markdown: str, header_start: str) -> list[list[str]]:
    """Cells of the rows of the Markdown table whose header line starts with ``header_start``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def pct(count: int, total: int) -> int:
    return round(100 * count / total)


SHARE_CELL = re.compile(r"^(\d+)% \((\d+)%–(\d+)%; (\d+)\)$")


# -- the files -----------------------------------------------------------------------------------------


def test_build_writes_html_and_markdown_reports_a_page_per_source_the_data_and_both_charts(corpus, model_file, tmp_path):
    out = tmp_path / "reports"
    written = build(corpus, model_file, out)
    expected = ["alpha.md", "beta.md", "gamma.md", "heatmap.png", "index.html", "index.md", "sentences.csv", "shares.png"]
    assert sorted(path.name for path in out.iterdir()) == expected
    assert written == [out / name for name in expected]
    for chart in ("heatmap.png", "shares.png"):
        assert (out / chart).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert all((out / name).stat().st_size > 0 for name in expected)


def test_sentences_csv_holds_every_sentence_with_labels_matching_its_0_1_columns(sentences):
    assert len(sentences) == sum(len(paragraphs) for *_, paragraphs in ARTICLES.values())
    assert sentences["id"].is_unique
    for row in sentences.itertuples():
        assert row.labels == ";".join(stance for stance in STANCES if getattr(row, stance) == 1), row.id
        for stance in STANCES:
            assert 0 <= getattr(row, f"p_{stance}") <= 1


def test_model_labels_the_planted_sentences_as_designed(sentences):
    """The premise of the tests below: if the tiny model changes, this says so first."""
    labels = dict(zip(sentences["text"], sentences["labels"]))
    assert labels[DOUBLE_SENTENCE] == "blames_seoul;blames_tokyo"
    assert labels[MINISTERS] == ""
    assert labels["Seoul made a mistaken decision to quit the pact."] == "blames_seoul"
    counts = sentences.groupby("source")[STANCES].sum()
    assert counts.loc["alpha", "blames_seoul"] == 6 and counts.loc["beta", "blames_seoul"] == 0
    assert counts["blames_us"].sum() == 0


# -- the numbers agree with sentences.csv --------------------------------------------------------------------


def test_index_md_shares_and_counts_agree_with_sentences_csv(report_dir, sentences):
    outlets = {outlet: source for source, (outlet, *_rest) in ARTICLES.items()}
    rows = markdown_table(text_of(report_dir, "index.md"), "| source | sentences |")
    assert [outlets[row[0]] for row in rows] == sorted(ARTICLES)
    for outlet, n_sentences, *cells in rows:
        source = outlets[outlet]
        mine = sentences[sentences["source"] == source]
        assert int(n_sentences) == len(mine)
        assert len(cells) == len(STANCES)
        for stance, cell in zip(STANCES, cells):
            share, low, high, count = map(int, SHARE_CELL.match(cell).groups())
            assert count == mine[stance].sum(), (source, stance)
            assert share == pct(count, len(mine)), (source, stance)
            assert low <= share <= high, (source, stance)


@pytest.mark.parametrize("source", sorted(ARTICLES))
def test_source_page_shares_agree_with_sentences_csv(report_dir, sentences, source):
    page = text_of(report_dir, f"{source}.md")
    mine = sentences[sentences["source"] == source]
    assert page.startswith(f"# {ARTICLES[source][0]}\n")
    assert f"- Sentences: {len(mine)}\n" in page
    rows = markdown_table(page, "| stance | share |")
    assert [row[0] for row in rows] == [DISPLAY[stance] for stance in STANCES]
    for (name, share, interval, counted), stance in zip(rows, STANCES):
        count = int(mine[stance].sum())
        assert counted == f"{count} of {len(mine)}"
        assert share == f"{pct(count, len(mine))}%"
        low, high = (int(value.rstrip("%")) for value in interval.split("–"))
        assert low <= pct(count, len(mine)) <= high


def test_every_share_lies_inside_its_interval_and_matches_the_classified_table(corpus, model_file):
    report, table = analyse(corpus, load_model(model_file))
    assert [framing.source for framing in report.sources] == sorted(ARTICLES)
    for framing in report.sources:
        mine = table[table["source"] == framing.source]
        for stance in STANCES:
            share = framing.shares[stance]
            assert (share.count, share.total) == (int(mine[stance].sum()), len(mine))
            assert share.low <= share.share <= share.high
            assert 0.0 <= share.low < share.high <= 1.0


def test_a_stance_no_sentence_carries_is_shown_at_zero_percent(report_dir):
    index = text_of(report_dir, "index.md")
    for row in markdown_table(index, "| source | sentences |"):
        assert SHARE_CELL.match(row[-1]).group(1, 4) == ("0", "0")  # Blames Washington is the last column
    assert "Blames Washington" in text_of(report_dir, "index.html")
    for source in ARTICLES:
        page = text_of(report_dir, f"{source}.md")
        section = page.split("### Blames Washington\n", 1)[1].split("##", 1)[0]
        assert "No sentence of this source carries this stance." in section


def test_a_planted_large_difference_is_reported_as_the_only_finding(report_dir):
    # Blames Seoul: alpha 6 of 8, beta 0 of 10 (Fisher p ~ 0.0015, x 12 comparisons ~ 0.018); nothing else
    # comes close (alpha vs gamma, 6 of 8 vs 0 of 4, has raw p ~ 0.06).
    index = text_of(report_dir, "index.md")
    section = index.split("## Differences between sources\n", 1)[1].split("\n## ", 1)[0]
    assert "for all 12 pairwise comparisons" in section
    findings = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    assert len(findings) == 1, findings
    prefix = ("Alpha Times carries “Blames Seoul” in 75% of its sentences (6 of 8), Beta News in 0% (0 of 10); "
              "Fisher's exact test, Holm-adjusted p = ")
    assert findings[0].startswith(prefix)
    assert float(findings[0][len(prefix) :].rstrip(".")) < 0.05


def test_the_models_leave_one_source_out_scores_from_its_card_are_quoted(report_dir, model_file):
    card = json.loads(card_paths(model_file)[0].read_text(encoding="utf-8"))
    stance = next(m for m in card["evaluation"]["models"] if m["model"] == "stance")
    expected = f"the model reaches macro-F1 {stance['macro_f1']:.2f}; Pro-extension F1 {stance['per_label']['pro_extension']['f1']:.2f};"
    assert expected in text_of(report_dir, "index.md")
    assert expected in text_of(report_dir, "index.html")


# -- one source ----------------------------------------------------------------------------------------------


def test_a_corpus_of_one_source_renders_and_says_there_is_nothing_to_compare(solo_report_dir):
    assert sorted(path.name for path in solo_report_dir.iterdir()) == [
        "gamma.md", "heatmap.png", "index.html", "index.md", "sentences.csv", "shares.png"
    ]
    index = text_of(solo_report_dir, "index.md")
    assert "from 1 source(s)" in index
    assert "Only one source: there is nothing to compare." in index
    assert "pairwise comparisons" not in index
    assert "<p>Only one source: there is nothing to compare.</p>" in text_of(solo_report_dir, "index.html")


# -- hand labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder, has_labels", [("report_dir", True), ("solo_report_dir", False)])
def test_the_hand_label_section_appears_only_when_the_corpus_has_labels_csv(request, folder, has_labels):
    out = request.getfixturevalue(folder)
    assert ("## Model and hand labels" in text_of(out, "index.md")) is has_labels
    assert ("<h2>Model and hand labels</h2>" in text_of(out, "index.html")) is has_labels
    assert ("hand_labels" in text_of(out, "sentences.csv").splitlines()[0]) is has_labels


def test_hand_label_agreement_is_computed_over_the_hand_labelled_sentences_of_each_source(report_dir):
    # alpha's four hand-labelled sentences (model / hand):
    #   Blames Seoul 1,1,0,0 / 1,1,1,0 -> 75%; chance 0.5*0.75 + 0.5*0.25 = 0.5 -> kappa 0.50
    #   Blames Tokyo 0,1,0,0 / 0,1,0,0 -> 100%; chance 0.25^2 + 0.75^2 = 0.625 -> kappa 1.00
    #   Pro-extension and Blames Washington: none on either side -> 100%, kappa undefined
    rows = {row[0]: row[1:] for row in markdown_table(text_of(report_dir, "index.md"), "| source | Pro-extension |")}
    assert rows["Alpha Times"] == ["100% (κ n/a)", "75% (κ 0.50)", "100% (κ 1.00)", "100% (κ n/a)"]
    assert rows["Beta News"] == ["no hand labels"] * 4
    assert rows["Gamma Daily"] == ["no hand labels"] * 4


def test_hand_labels_are_written_beside_the_model_labels_in_sentences_csv(sentences):
    hand = dict(zip(sentences["text"], sentences["hand_labels"]))
    assert hand[MINISTERS] == "blames_seoul"
    assert hand["Seoul made a mistaken decision to quit the pact."] == "blames_seoul"
    assert hand["Tokyo's curbs were plainly retaliation."] == ""  # not hand-labelled


def test_a_sentence_where_hand_and_model_labels_differ_is_listed_on_the_source_page(report_dir):
    rows = markdown_table(text_of(report_dir, "alpha.md"), "| sentence | hand labels | model labels |")
    assert [MINISTERS, "blames_seoul", "(none)"] in rows
    assert not any(row[0] == "The talks resumed on Monday." for row in rows)  # agreed: no label


def test_a_sentence_whose_hand_labels_are_the_models_in_another_order_is_not_a_disagreement(report_dir):
    rows = markdown_table(text_of(report_dir, "alpha.md"), "| sentence | hand labels | model labels |")
    assert [row[0] for row in rows] == [MINISTERS]


def test_a_source_without_hand_labels_does_not_claim_agreement_with_them(report_dir):
    assert "agree on every sentence" not in text_of(report_dir, "beta.md")


# -- HTML ----------------------------------------------------------------------------------------------------


def test_index_html_is_self_contained(report_dir):
    html = text_of(report_dir, "index.html")
    assert html.count("<svg") == 2  # both charts inline
    assert 'src="http' not in html and "<link" not in html and "@import" not in html
    assert "<img" not in html and "<script" not in html.lower()
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links, "expected in-page links"
    assert all(link.startswith(("#", "data:")) for link in links), sorted(set(links))[:5]


def test_index_html_escapes_sentence_text(report_dir):
    html = text_of(report_dir, "index.html")
    assert "mistaken &lt;script&gt;alert(1)&lt;/script&gt; and wrong." in html
    assert "<script>" not in html


# -- determinism and atomicity -------------------------------------------------------------------------------


def test_two_builds_of_the_same_corpus_are_byte_identical(corpus, model_file, report_dir, tmp_path):
    again = tmp_path / "again"
    build(corpus, model_file, again)
    names = sorted(path.name for path in report_dir.iterdir() if path.suffix in {".md", ".csv", ".html"})
    assert len(names) == 6
    for name in names:
        assert (again / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_a_failure_midway_leaves_the_existing_reports_unchanged(corpus, model_file, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    out.mkdir()
    previous = {name: f"previous {name}\n".encode() for name in ("index.html", "index.md", "alpha.md", "heatmap.png")}
    for name, content in previous.items():
        (out / name).write_bytes(content)

    def broken_bar_chart(*args, **kwargs):  # the heatmap has been drawn and saved by now
        raise RuntimeError("the bar chart failed")

    monkeypatch.setattr(charts, "bar_chart", broken_bar_chart)
    with pytest.raises(RuntimeError, match="the bar chart failed"):
        build(corpus, model_file, out)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == previous
    assert sorted(path.name for path in tmp_path.iterdir()) == ["reports"]  # no staging folder left behind


# -- the committed reports are not stale ---------------------------------------------------------------------

COMMITTED = ROOT / "reports"
SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
REGENERATE = "regenerate them with `stance report` from the repository root and commit the result"


def stale_report_files(committed: Path, fresh: Path) -> list[str]:
    """Names of report files that differ between two report folders (or exist in only one).

    index.md, every <source>.md and sentences.csv must match byte for byte; index.html after removing
    its inline <svg>...</svg> blocks, whose path data varies between matplotlib versions. PNGs are not
    compared for the same reason.
    """
    names = {"index.md", "index.html", "sentences.csv"}
    names |= {path.name for folder in (committed, fresh) for path in folder.glob("*.md")}
    stale = []
    for name in sorted(names):
        old, new = committed / name, fresh / name
        if not (old.is_file() and new.is_file()):
            stale.append(name)
        elif name.endswith(".html"):
            if SVG_BLOCK.sub("<svg/>", old.read_text(encoding="utf-8")) != SVG_BLOCK.sub(
                "<svg/>", new.read_text(encoding="utf-8")
            ):
                stale.append(name)
        elif old.read_bytes() != new.read_bytes():
            stale.append(name)
    return stale


@pytest.fixture(scope="module")
def fresh_seed_reports(tmp_path_factory) -> Path:
    """reports/ regenerated as `stance report` does from the repository root (paths relative to it)."""
    out = tmp_path_factory.mktemp("fresh") / "reports"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        build(Path("seeds"), Path("models") / "stance.skops", out)
    return out


def test_committed_reports_are_what_the_seeds_and_shipped_model_give(fresh_seed_reports):
    stale = stale_report_files(COMMITTED, fresh_seed_reports)
    assert not stale, f"reports/ is stale: {', '.join(stale)} differ from a fresh build; {REGENERATE}."


def test_staleness_check_compares_every_source_page(fresh_seed_reports):
    pages = sorted(path.name for path in fresh_seed_reports.glob("*.md"))
    manifest = csv.DictReader((SEEDS / "sources.csv").read_text(encoding="utf-8").splitlines())
    assert pages == sorted(["index.md"] + [f"{row['source']}.md" for row in manifest])


def edit_line(path: Path, find: str, replace: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert find in text, f"{find!r} not in {path.name}"
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")


def test_staleness_check_reports_a_one_line_edit_of_index_md(tmp_path):
    copy = shutil.copytree(COMMITTED, tmp_path / "reports")
    lines = (copy / "index.md").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("sentences", "sentence", 1)
    assert lines[2] != (COMMITTED / "index.md").read_text(encoding="utf-8").splitlines(keepends=True)[2]
    (copy / "index.md").write_text("".join(lines), encoding="utf-8")
    assert stale_report_files(copy, COMMITTED) == ["index.md"]


def break_html_text(folder: Path) -> None:
    edit_line(folder / "index.html", "<h1>How the sources frame the story</h1>", "<h1>How sources frame it</h1>")


def change_svg_only(folder: Path) -> None:
    html = (folder / "index.html").read_text(encoding="utf-8")
    start = html.index("<svg")
    edit_line(folder / "index.html", html[start : start + 40], html[start : start + 40] + "<!-- redrawn -->")


def drop_a_source_page(folder: Path) -> None:
    (folder / "breitbart.md").unlink()


def add_a_csv_column(folder: Path) -> None:
    edit_line(folder / "sentences.csv", "\n", ",extra\n")  # a new column name on the header line


@pytest.mark.parametrize(
    "change, expected",
    [
        (break_html_text, ["index.html"]),
        (change_svg_only, []),  # chart drawing may differ between matplotlib versions: not staleness
        (drop_a_source_page, ["breitbart.md"]),
        (add_a_csv_column, ["sentences.csv"]),
    ],
)
def test_staleness_check_table(tmp_path, change, expected):
    copy = shutil.copytree(COMMITTED, tmp_path / "reports")
    assert stale_report_files(copy, COMMITTED) == []
    change(copy)
    assert stale_report_files(copy, COMMITTED) == expected
