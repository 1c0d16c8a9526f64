"""stance.report: the framing reports built from a small corpus in tmp_path with a tiny trained model,
checked against the data they are built from; and the committed reports/ checked for staleness."""

from __future__ import annotations

import csv
import json
from html import unescape
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import BLAMES_SEOUL, NEUTRAL, PRO_EXTENSION, ROOT, SEEDS, with_sources, write_labels_csv

from stance import charts
from stance.card import card_paths
from stance.corpus import Corpus
from stance.persist import load_model
from stance.report import analyse, build, count_locally
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
    "beta": ("Beta News & Review", "2019-11-22", "Beta's headline", [
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

REJECTED = "Seoul's withdrawal was a mistaken gamble."
"""The model says Blames Seoul; the hand labels say no stance."""

# Hand labels for five of alpha's sentences only: one agreement, one agreement written in another
# label order than the model's, two real disagreements (hand says Blames Seoul and the model nothing;
# the model says Blames Seoul and the hand nothing), and one agreement on no label.
HAND_LABELS = [
    ("alpha", "Seoul made a mistaken decision to quit the pact.", "blames_seoul"),
    ("alpha", DOUBLE_SENTENCE, "blames_tokyo;blames_seoul"),
    ("alpha", MINISTERS, "blames_seoul"),
    ("alpha", REJECTED, ""),
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
    build(Corpus.open(corpus), model_file, out)
    return out


@pytest.fixture(scope="module")
def solo_report_dir(model_file, tmp_path_factory) -> Path:
    """One source and no labels.csv."""
    folder = make_corpus(tmp_path_factory.mktemp("solo") / "corpus", {"gamma": ARTICLES["gamma"]})
    out = folder.parent / "reports"
    build(Corpus.open(folder), model_file, out)
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


SHARE_CELL = re.compile(r"^(\d+)% \[(\d+)%–(\d+)%\], raw (\d+)% \((\d+)\)$")
"""A corrected share cell of index.md: 'corrected [low–high], raw share (count)'."""


# -- the files -----------------------------------------------------------------------------------------


CHARTS = [f"{kind}-{stance}.png" for kind in ("over-time", "shares") for stance in sorted(STANCES)]


def test_build_writes_html_and_markdown_reports_a_page_per_source_the_data_and_the_charts(corpus, model_file, tmp_path):
    out = tmp_path / "reports"
    written = build(Corpus.open(corpus), model_file, out)
    expected = sorted(
        ["alpha.md", "beta.md", "gamma.md", "differences.csv", "index.html", "index.md", "over_time.csv",
         "sentences.csv", "shares.csv"] + CHARTS
    )
    assert sorted(path.name for path in out.iterdir() if not path.name.startswith(".")) == expected
    assert written == [out / name for name in expected]
    for chart in CHARTS:
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
    assert rows[0][0] == "All sources" and int(rows[0][1]) == len(sentences)
    assert [outlets[row[0]] for row in rows[1:]] == sorted(ARTICLES)
    for outlet, n_sentences, *cells in rows:
        mine = sentences if outlet == "All sources" else sentences[sentences["source"] == outlets[outlet]]
        assert int(n_sentences) == len(mine)
        assert len(cells) == len(STANCES)
        for stance, cell in zip(STANCES, cells):
            corrected, low, high, share, count = map(int, SHARE_CELL.match(cell).groups())
            assert count == mine[stance].sum(), (outlet, stance)
            assert share == pct(count, len(mine)), (outlet, stance)
            assert low <= corrected <= high, (outlet, stance)


@pytest.mark.parametrize("source", sorted(ARTICLES))
def test_source_page_shares_agree_with_sentences_csv(report_dir, sentences, source):
    page = text_of(report_dir, f"{source}.md")
    mine = sentences[sentences["source"] == source]
    assert page.startswith(f"# {ARTICLES[source][0]}\n")
    assert f"- Sentences: {len(mine)}\n" in page
    rows = markdown_table(page, "| stance | corrected |")
    assert [row[0] for row in rows] == [DISPLAY[stance] for stance in STANCES]
    for (name, corrected, interval, share, raw_interval, counted), stance in zip(rows, STANCES):
        count = int(mine[stance].sum())
        assert counted == f"{count} of {len(mine)}"
        assert share == f"{pct(count, len(mine))}%"
        low, high = (int(value.rstrip("%")) for value in raw_interval.split("–"))
        assert low <= pct(count, len(mine)) <= high
        low, high = (int(value.rstrip("%")) for value in interval.split("–"))
        assert low <= int(corrected.rstrip("%")) <= high


def counted_and_analysed(corpus, model_file, folder):
    """The corpus counted in this process (sentences.csv written into ``folder``) and its report."""
    opened, model = Corpus.open(corpus), load_model(model_file)
    counted = count_locally(opened, model, folder / "sentences.csv")
    return counted, analyse(opened, model, counted)


def test_every_share_lies_inside_its_interval_and_matches_the_classified_table(corpus, model_file, tmp_path):
    _, report = counted_and_analysed(corpus, model_file, tmp_path)
    table = pd.read_csv(tmp_path / "sentences.csv", keep_default_na=False)
    assert [framing.source for framing in report.sources] == sorted(ARTICLES)
    for framing in report.sources:
        mine = table[table["source"] == framing.source]
        for stance in STANCES:
            share = framing.shares[stance]
            assert (share.count, share.total) == (int(mine[stance].sum()), len(mine))
            assert share.low <= share.share <= share.high
            assert 0.0 <= share.low < share.high <= 1.0
            assert 0.0 <= share.corrected_low <= share.corrected <= share.corrected_high <= 1.0


def test_shares_csv_holds_every_source_and_label_and_the_pooled_rows_as_fractions(report_dir, sentences):
    shares = pd.read_csv(report_dir / "shares.csv", keep_default_na=False)
    assert list(shares.columns) == ["source", "label", "sentences", "count", "share", "low", "high", "corrected",
                                    "corrected_low", "corrected_high"]
    assert sorted(set(shares["source"])) == sorted(ARTICLES) + ["(all)"] or sorted(set(shares["source"])) == [
        "(all)"] + sorted(ARTICLES)
    assert len(shares) == (len(ARTICLES) + 1) * len(STANCES)
    for row in shares.itertuples():
        mine = sentences if row.source == "(all)" else sentences[sentences["source"] == row.source]
        assert (row.sentences, row.count) == (len(mine), mine[row.label].sum()), (row.source, row.label)
        assert row.share == pytest.approx(row.count / row.sentences, abs=1e-4)
        assert 0 <= row.low <= row.share <= row.high <= 1
        assert 0 <= row.corrected_low <= row.corrected <= row.corrected_high <= 1


def test_a_stance_no_sentence_carries_is_shown_at_zero_percent(report_dir):
    index = text_of(report_dir, "index.md")
    for row in markdown_table(index, "| source | sentences |"):
        assert SHARE_CELL.match(row[-1]).group(4, 5) == ("0", "0")  # Blames Washington is the last column
    assert "Blames Washington" in text_of(report_dir, "index.html")
    for source in ARTICLES:
        page = text_of(report_dir, f"{source}.md")
        section = page.split("### Blames Washington\n", 1)[1].split("##", 1)[0]
        assert "The model labels no sentence of this source with this stance." in section


def test_a_planted_large_difference_is_reported_as_the_only_finding(report_dir):
    # Blames Seoul: alpha 6 of 8, beta 0 of 10 (Fisher p ~ 0.0015, x 12 comparisons ~ 0.018); nothing else
    # comes close (alpha vs gamma, 6 of 8 vs 0 of 4, has raw p ~ 0.06). The tiny model rarely errs on its
    # own kind of sentence, so the corrected shares differ too.
    index = text_of(report_dir, "index.md")
    section = index.split("## Differences between sources\n", 1)[1].split("\n## ", 1)[0]
    assert "for all 12 pairwise comparisons" in section
    findings = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    assert len(findings) == 1, findings
    assert findings[0].startswith("Alpha Times carries “Blames Seoul” in 75% of its sentences (6 of 8, corrected ")
    assert "Beta News & Review in 0% (0 of 10, corrected " in findings[0]
    found = re.search(r"Holm-adjusted p (=|<) ([0-9.]+)\.$", findings[0])
    assert found and float(found.group(2)) < 0.05


def test_every_comparison_is_in_differences_csv_with_the_finding_marked(report_dir):
    differences = pd.read_csv(report_dir / "differences.csv")
    assert len(differences) == 12
    [finding] = differences[differences["finding"]].itertuples()
    assert (finding.stance, finding.source_a, finding.source_b, finding.count_a, finding.count_b) == (
        "blames_seoul", "alpha", "beta", 6, 0
    )


def test_no_p_value_is_printed_as_zero_and_the_models_probability_is_not_called_p(report_dir):
    for name in ("index.md", "index.html", "alpha.md", "beta.md", "gamma.md"):
        text = text_of(report_dir, name)
        assert "p = 0.000" not in text, name
        assert not re.search(r"p = 0\.\d\d\b(?!\d)", text), name  # Holm p-values have three decimals
    assert re.search(r"\(model 0\.\d\d\)", text_of(report_dir, "alpha.md"))
    assert re.search(r"<span class=\"muted\">model 0\.\d\d", text_of(report_dir, "index.html"))


def test_the_trust_statements_say_where_each_figure_was_measured(report_dir, model_file):
    card = json.loads(card_paths(model_file)[0].read_text(encoding="utf-8"))
    stance = next(m for m in card["evaluation"]["models"] if m["model"] == "stance")
    expected = f"macro-F1 {stance['macro_f1']:.2f}; F1 Pro-extension {stance['per_label']['pro_extension']['f1']:.2f},"
    index, html = text_of(report_dir, "index.md"), unescape(text_of(report_dir, "index.html"))
    for text in (index, html):
        assert expected in text
        assert "leaving out each of its 3 real training sources in turn (s0, s1, s2;" in text
        assert "None of this corpus's sources was in the model's training data" in text
        assert "recalibrated on the training data's out-of-fold probabilities (sources kept whole)" in text
    assert "outlets it never saw" not in index


def test_label_definitions_come_before_the_shares(report_dir):
    index = text_of(report_dir, "index.md")
    assert index.index("## The stances") < index.index("## Stance shares")
    assert "South Korea is responsible for the dispute" in index.split("## Stance shares")[0]


def test_the_report_points_to_the_codebook_its_schema_names_and_to_none_without_one(report_dir, model_file, tmp_path):
    for name in ("index.md", "index.html"):
        assert "defined in full, with the hard cases, in docs/CODEBOOK.md in the stance project" in text_of(report_dir, name)
    folder = make_corpus(tmp_path / "corpus", {"gamma": ARTICLES["gamma"]})
    schema = (folder / "schema.toml").read_text(encoding="utf-8")
    (folder / "schema.toml").write_text(re.sub(r"(?m)^codebook = .*$", "", schema), encoding="utf-8")
    build(Corpus.open(folder), model_file, tmp_path / "out")
    assert "defined in full" not in text_of(tmp_path / "out", "index.md")


def test_no_path_of_this_machine_appears_in_the_report(report_dir, corpus):
    for name in ("index.md", "index.html"):
        text = text_of(report_dir, name)
        assert str(corpus.parent) not in text and str(report_dir) not in text
        assert "the corpus folder “corpus”" in text


def test_an_ampersand_in_an_outlet_name_is_escaped_once(report_dir):
    html = text_of(report_dir, "index.html")
    assert "Beta News &amp; Review" in html and "&amp;amp;" not in html
    assert "| Beta News & Review |" in text_of(report_dir, "index.md")
    assert text_of(report_dir, "beta.md").startswith("# Beta News & Review\n")


def test_speaker_sides_are_shown_by_their_display_names(corpus, model_file, tmp_path):
    articles = {"delta": ("Delta Post", "2019-11-20", "Delta", [
        "The pact is crucial, Japanese Prime Minister Shinzo Abe said.",
        "The pact is crucial and should be extended, U.S. Defense Secretary Mark Esper said.",
    ])}
    folder = make_corpus(tmp_path / "corpus", articles)
    shutil.copy(SEEDS / "speakers.csv", folder / "speakers.csv")
    out = tmp_path / "reports"
    build(Corpus.open(folder), model_file, out)
    page = text_of(out, "delta.md")
    assert "- **Japan**: " in page and "- **US**: " in page
    assert "**japan**" not in page and "**us**" not in page


# -- near-duplicates and the report folder -------------------------------------------------------------------


def test_a_copied_article_counts_once_and_is_listed(model_file, tmp_path):
    articles = {"alpha": ARTICLES["alpha"], "beta": ARTICLES["beta"], "copy": ("Copy Wire", "2019-08-24", "Alpha's headline",
                                                                              ARTICLES["alpha"][3] + ["Reprinted."])}
    folder = make_corpus(tmp_path / "corpus", articles)
    out = tmp_path / "reports"
    build(Corpus.open(folder), model_file, out)
    shares = pd.read_csv(out / "shares.csv", keep_default_na=False)
    pooled = shares[(shares["source"] == "(all)") & (shares["label"] == "blames_seoul")].iloc[0]
    assert pooled["sentences"] == len(ARTICLES["alpha"][3]) + len(ARTICLES["beta"][3])  # the copy adds nothing
    assert pooled["count"] == 6
    index = text_of(out, "index.md")
    assert "`000_alpha.txt` is repeated by `002_copy.txt`" in index
    sentences = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    assert set(sentences.loc[sentences["source"] == "copy", "duplicate_of"]) == {"000_alpha.txt"}
    assert set(sentences.loc[sentences["source"] != "copy", "duplicate_of"]) == {""}


def test_files_of_an_earlier_report_that_this_one_does_not_write_are_removed_and_a_users_note_stays(model_file, tmp_path):
    out = tmp_path / "reports"
    build(Corpus.open(make_corpus(tmp_path / "three", ARTICLES)), model_file, out)
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    build(Corpus.open(make_corpus(tmp_path / "two", {k: ARTICLES[k] for k in ("alpha", "beta")})), model_file, out)
    assert not (out / "gamma.md").exists()
    assert (out / "alpha.md").exists() and (out / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


# -- one source ----------------------------------------------------------------------------------------------


def test_a_corpus_of_one_source_renders_and_says_there_is_nothing_to_compare(solo_report_dir):
    assert sorted(path.name for path in solo_report_dir.iterdir() if not path.name.startswith(".")) == sorted(
        ["differences.csv", "gamma.md", "index.html", "index.md", "sentences.csv", "shares.csv"]
        + [f"shares-{stance}.png" for stance in STANCES]
    )  # one date: no section over time
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


def test_hand_label_agreement_shows_its_n_and_no_kappa_on_a_handful_of_sentences(report_dir):
    # alpha's five hand-labelled sentences (model / hand):
    #   Blames Seoul 1,1,0,1,0 / 1,1,1,0,0 -> 3 of 5 = 60%; Blames Tokyo 0,1,0,0,0 / 0,1,0,0,0 -> 100%;
    #   Pro-extension and Blames Washington: none on either side -> 100%. Kappa needs 20 sentences.
    rows = {row[0]: row[1:] for row in markdown_table(text_of(report_dir, "index.md"), "| source | n |")}
    assert rows["Alpha Times"] == ["5", "100% (κ –)", "60% (κ –)", "100% (κ –)", "100% (κ –)"]
    assert rows["Beta News & Review"] == ["0"] + ["–"] * 4
    assert rows["Gamma Daily"] == ["0"] + ["–"] * 4


def test_evidence_the_hand_labels_reject_is_marked(corpus, model_file, report_dir, tmp_path):
    from stance.framing import evidence

    counted, _ = counted_and_analysed(corpus, model_file, tmp_path)
    items = evidence(counted.tally.hand, "alpha", "blames_seoul", top=10)
    assert [item.text for item in items if item.hand_rejects] == [REJECTED]
    page = text_of(report_dir, "alpha.md")
    if REJECTED in page.split("### Blames Seoul", 1)[1].split("###", 1)[0]:  # among the top three shown
        assert "**the hand labels reject this**" in page


def test_hand_labels_are_written_beside_the_model_labels_in_sentences_csv(sentences):
    hand = dict(zip(sentences["text"], sentences["hand_labels"]))
    assert hand[MINISTERS] == "blames_seoul"
    assert hand["Seoul made a mistaken decision to quit the pact."] == "blames_seoul"
    assert hand["Tokyo's curbs were plainly retaliation."] == ""  # not hand-labelled


def test_a_sentence_where_hand_and_model_labels_differ_is_listed_on_the_source_page(report_dir):
    rows = markdown_table(text_of(report_dir, "alpha.md"), "| sentence | hand labels | model labels |")
    assert [MINISTERS, "Blames Seoul", "(none)"] in rows
    assert [REJECTED, "(none)", "Blames Seoul"] in rows
    assert not any(row[0] == "The talks resumed on Monday." for row in rows)  # agreed: no label


def test_a_sentence_whose_hand_labels_are_the_models_in_another_order_is_not_a_disagreement(report_dir):
    rows = markdown_table(text_of(report_dir, "alpha.md"), "| sentence | hand labels | model labels |")
    assert DOUBLE_SENTENCE not in [row[0] for row in rows]
    assert len(rows) == 2


def test_a_source_without_hand_labels_does_not_claim_agreement_with_them(report_dir):
    assert "agree on every sentence" not in text_of(report_dir, "beta.md")


# -- HTML ----------------------------------------------------------------------------------------------------


def test_index_html_is_self_contained(report_dir):
    html = text_of(report_dir, "index.html")
    assert html.count("<svg") == 8  # a panel per stance, and per stance over time, inline
    assert 'src="http' not in html and "<link" not in html and "@import" not in html
    assert "<img" not in html and "<script" not in html.lower()
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links, "expected in-page links"
    assert all(link.startswith(("#", "data:")) for link in links), sorted(set(links))[:5]


def test_index_html_escapes_sentence_text(report_dir):
    html = text_of(report_dir, "index.html")
    assert "alert(1)" in text_of(report_dir, "sentences.csv")
    # The page shows only some sentences as evidence; wherever this one appears, it is escaped.
    assert "<script>" not in html
    assert "alert(1)" not in html or "mistaken &lt;script&gt;alert(1)&lt;/script&gt; and wrong." in html


# -- determinism and atomicity -------------------------------------------------------------------------------


def test_two_builds_of_the_same_corpus_are_byte_identical(corpus, model_file, report_dir, tmp_path):
    again = tmp_path / "again"
    build(Corpus.open(corpus), model_file, again)
    names = sorted(path.name for path in report_dir.iterdir() if path.suffix in {".md", ".csv", ".html"})
    assert len(names) == 9
    for name in names:
        assert (again / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_a_failure_midway_leaves_the_existing_reports_unchanged(corpus, model_file, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    out.mkdir()
    previous = {name: f"previous {name}\n".encode() for name in ("index.html", "index.md", "alpha.md", "shares.csv")}
    for name, content in previous.items():
        (out / name).write_bytes(content)

    drawn = []

    def panel_failing_on_the_second(*args, **kwargs):  # the first panel has been drawn and saved by now
        if drawn:
            raise RuntimeError("the chart failed")
        drawn.append(args)
        return original(*args, **kwargs)

    original = charts.share_panel
    monkeypatch.setattr(charts, "share_panel", panel_failing_on_the_second)
    with pytest.raises(RuntimeError, match="the chart failed"):
        build(Corpus.open(corpus), model_file, out)
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
        build(Corpus.open(Path("seeds")), Path("models") / "stance.skops", out)
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


def test_a_corpus_counted_in_batches_gives_the_report_of_one_batch(monkeypatch, tmp_path):
    # The seeds, five articles with hand labels, in batches of two: classified into temporary parts,
    # signed for near-duplicates, then counted part by part.
    fast_model = ROOT / "models" / "stance-fast.skops"
    whole = build(Corpus.open(SEEDS), fast_model, tmp_path / "whole")
    monkeypatch.setattr("stance.corpus.ARTICLES_PER_BATCH", 2)
    batched = build(Corpus.open(SEEDS), fast_model, tmp_path / "batched")
    assert [path.name for path in batched] == [path.name for path in whole]
    for one, other in zip(whole, batched):
        assert one.read_bytes() == other.read_bytes(), f"{one.name} differs when counted in batches"
    assert not list((tmp_path / "batched").glob(".parts-*"))
