"""stance.sentences: Punkt splitting with the shipped abbreviation list, and the sentence table."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.corpus import Article
from stance.attribution import SpeakerTable
from stance.sentences import (
    MAX_SENTENCE_CHARS,
    SENTENCE_COLUMNS,
    SentenceWarning,
    article_sentences,
    split_sentences,
)

# -- splitting one paragraph ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        (
            "The U.S. Defense Department on Thursday expressed concern.",
            ["The U.S. Defense Department on Thursday expressed concern."],
        ),
        (
            "U.S. Set for Strategic Blow as Japan-South Korea Pact Nears End",
            ["U.S. Set for Strategic Blow as Japan-South Korea Pact Nears End"],
        ),
        (
            "The allies share information independently from the U.S., not through it.",
            ["The allies share information independently from the U.S., not through it."],
        ),
        (
            "He met the U.S. ambassador. Then he left.",
            ["He met the U.S. ambassador.", "Then he left."],
        ),
    ],
    ids=["before-a-capital", "opening-a-headline", "before-a-comma", "then-a-real-stop"],
)
def test_us_abbreviation_does_not_end_a_sentence(paragraph, expected):
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        "Gen. Mark Milley, chairman of the U.S. Joint Chiefs of Staff, called on Seoul to stay.",
        "The pact will expire at 12:01 a.m. on Nov. 23 unless Seoul reverses course.",
        "Mr. Kim and Dr. Lee met Sen. Graham at 3 p.m. Tuesday.",
        "The South Korean Supreme Court ordered Nippon Steel Corp. to compensate workers.",
    ],
    ids=["gen", "am-and-nov", "titles-and-pm", "corp"],
)
def test_abbreviation_inside_a_sentence_does_not_split_it(paragraph):
    assert split_sentences(paragraph) == [paragraph]


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("He said “yes.” Then he left.", ["He said “yes.”", "Then he left."]),
        (
            "“It’s absolutely essential. We have no time,” she said.",
            ["“It’s absolutely essential.", "We have no time,” she said."],
        ),
        ("Esper said the winners “are Pyongyang and Beijing.” Seoul disagreed.",
         ["Esper said the winners “are Pyongyang and Beijing.”", "Seoul disagreed."]),
    ],
)
def test_closing_quotation_mark_stays_with_its_sentence(paragraph, expected):
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("Unwilling or unable? U.S. faces uphill battle", ["Unwilling or unable?", "U.S. faces uphill battle"]),
        ("The only problem? Washington appears unable.", ["The only problem?", "Washington appears unable."]),
        ("Talks failed! Seoul left.", ["Talks failed!", "Seoul left."]),
    ],
)
def test_question_and_exclamation_marks_end_sentences(paragraph, expected):
    assert split_sentences(paragraph) == expected


WORDS = st.sampled_from(
    [
        "Seoul", "Tokyo", "said", "the", "pact", "U.S.", "Gen.", "Mr.", "a.m.", "Nov.", "Corp.", "e.g.",
        "end.", "over?", "now!", "12:01", "“Yes,”", "“", "”", "—", "--", "(AP)", "...", "x.", "A.", "No.",
        "it’s", '"', "'",
    ]
)
SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0"])


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(WORDS, SPACES), min_size=1, max_size=40))
def test_splitting_a_paragraph_loses_no_word(parts):
    paragraph = "".join(word + space for word, space in parts).strip()
    sentences = split_sentences(paragraph)
    assert "".join("".join(sentence.split()) for sentence in sentences) == "".join(paragraph.split())


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(min_size=1, max_size=200))
def test_splitting_any_text_loses_no_character_and_keeps_order(paragraph):
    sentences = split_sentences(paragraph)
    position = 0
    for sentence in sentences:  # each sentence is a verbatim slice, later than the one before
        position = paragraph.index(sentence, position) + len(sentence)
    assert "".join("".join(s.split()) for s in sentences) == "".join(paragraph.split())


# -- sentences of an article ---------------------------------------------------------------------------


def test_article_sentences_are_numbered_by_paragraph_and_sentence():
    article = Article(
        file="a.txt", source="src", outlet="Outlet", published="", headline="",
        text="A Headline\n\nFirst one. Second one.\n\nThird one.",
    )
    rows = list(article_sentences(article, SpeakerTable({})))
    assert [(r.id, r.paragraph, r.sentence, r.text) for r in rows] == [
        ("src-000-00", 0, 0, "A Headline"),
        ("src-001-00", 1, 0, "First one."),
        ("src-001-01", 1, 1, "Second one."),
        ("src-002-00", 2, 0, "Third one."),
    ]
    assert all(r.file == "a.txt" and r.source == "src" for r in rows)


# -- the seed sentence table ---------------------------------------------------------------------------


def test_sentence_table_has_the_documented_columns(seed_table):
    assert tuple(seed_table.columns) == SENTENCE_COLUMNS


def test_seed_corpus_gives_150_to_170_sentences(seed_table):
    assert 150 <= len(seed_table) <= 170


def test_sentence_ids_are_unique_and_name_their_source(seed_table):
    assert seed_table["id"].is_unique
    for row in seed_table.itertuples():
        assert row.id == f"{row.source}-{row.paragraph:03d}-{row.sentence:02d}"


def test_every_seed_source_contributes_sentences(seed_table):
    assert set(seed_table["source"]) == {"bloomberg-nov22", "bloomberg-aug23", "bloomberg-reprint", "breitbart", "japantimes"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The agreement could be the most significant casualty yet of a dispute between Japanese Prime Minister "
        "Shinzo Abe and South Korean President Moon Jae-in that rapidly escalated over the past year as the U.S. sat "
        "largely on the sidelines.",
        "The U.S. Defense Department on Thursday expressed “strong concern and disappointment” with South Korea’s "
        "decision.",
        "Gen. Mark Milley, chairman of the U.S. Joint Chiefs of Staff, is the latest high-level U.S. official to call "
        "on South Korea to stay in a military information-sharing pact with Japan.",
        "During a visit to Tokyo on Tuesday, Gen. Mark Milley, the chairman of the U.S. Joint Chiefs of Staff, became "
        "the latest high-level official to call on South Korea to stay in GSOMIA.",
        "The pact will expire at 12:01 a.m. on Nov. 23 unless Seoul reverses course.",
        "The pact, which allows the two allies to share information independently from the U.S., will cease to exist "
        "at 12 a.m. Saturday local time without a compromise.",
        "Tokyo’s move came after the South Korean Supreme Court ordered Nippon Steel Corp. to compensate workers "
        "conscripted during Japan’s colonial rule.",
    ],
)
def test_seed_sentence_with_abbreviations_is_one_row(seed_table, sentence):
    assert (seed_table["text"] == sentence).sum() == 1


def test_us_abbreviation_ends_a_seed_sentence_only_at_the_end_of_its_paragraph(seed_table):
    # "...strengthen the country's alliance with the U.S." closes a paragraph of 001: that is a real end.
    rows = seed_table.reset_index(drop=True)
    for index in rows.index[rows["text"].str.endswith("U.S.")]:
        following = rows.iloc[index + 1] if index + 1 < len(rows) else None
        assert following is None or following["sentence"] == 0, rows.loc[index, "text"]
    assert not rows["text"].str.match(r"S\.\s").any()  # the tail of a wrongly split "U.S."


def test_no_seed_sentence_starts_with_a_closing_quotation_mark(seed_table):
    assert not seed_table["text"].str.startswith(("”", "’")).any()


def test_seed_quotation_ending_a_sentence_keeps_its_closing_mark(seed_table):
    esper = seed_table[seed_table["text"].str.contains("are Pyongyang and Beijing")]
    assert len(esper) == 1
    assert esper["text"].iloc[0].endswith("“are Pyongyang and Beijing.”")


def test_codebook_fragment_headline_is_its_own_sentence(seed_table):
    # Codebook rule 6 labels "Unwilling or unable?" as a sentence of its own.
    japantimes = seed_table[seed_table["source"] == "japantimes"]["text"].tolist()
    assert japantimes[:2] == ["Unwilling or unable?", "U.S. faces uphill battle in quest to save Japan-South Korea intel pact"]


FURNITURE = [
    "ADVERTISEMENT", "(Bloomberg)", "To contact the", "©", "With assistance from", "COMMENTS",
    "Please let us know", "Leave a Reply", "Send this to a friend", "| AFP-JIJI", "| REUTERS", "| AP",
    "Jesse Johnson", "Staff Writer", "National / Politics", "bloomberg.net",
]


@pytest.mark.parametrize("furniture", FURNITURE)
def test_no_furniture_in_the_sentence_table(seed_table, furniture):
    assert not seed_table["text"].str.contains(furniture, regex=False).any()


def test_no_lone_outlet_name_in_the_sentence_table(seed_table):
    assert not seed_table["text"].isin(["Bloomberg", "Bloomberg (republished)", "Breitbart"]).any()


def test_each_photo_caption_is_one_sentence_of_the_table(seed_table):
    caption = "Protesters stage a rally against the U.S. in front of the Foreign Ministry in Seoul on Nov. 6."
    assert (seed_table["text"] == caption).sum() == 1


def test_no_sentence_is_blank_or_padded(seed_table):
    assert (seed_table["text"].str.strip() == seed_table["text"]).all()
    assert (seed_table["text"].str.len() > 0).all()
    assert not seed_table["text"].str.contains(r"\s{2,}|\n", regex=True).any()


def test_seed_text_words_all_reach_the_table_in_order(seed_table):
    """The table of one article, joined, holds the cleaned article word for word (nothing lost by splitting)."""
    from stance.clean import clean_paragraphs

    text = (SEEDS / "003_291576e80f34e9f0.txt").read_text(encoding="utf-8")
    expected = re.sub(r"\s+", "", "".join(clean_paragraphs(text)))
    got = re.sub(r"\s+", "", "".join(seed_table[seed_table["source"] == "breitbart"]["text"]))
    assert got == expected


def test_seeds_split_into_exactly_the_sentences_of_the_hand_labels(seed_table):
    """seeds/labels.csv names each sentence source-paragraph-sentence: splitting must not move one."""
    import pandas as pd

    labels = pd.read_csv(SEEDS / "labels.csv", keep_default_na=False)
    assert seed_table["id"].tolist() == labels["id"].tolist()
    assert seed_table["text"].tolist() == labels["text"].tolist()


# -- stray stops and over-long runs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "“The puppets will pay dearly for this.” the KCNA said.",
        '"Nothing has changed in our position." the envoy added.',
        "“Why now, of all times?” he asked.",
        "The agency called the move a betrayal. the KCNA said.",
    ],
    ids=["curly-quote", "straight-quote", "question", "no-quote"],
)
def test_piece_opening_in_lower_case_stays_with_the_sentence_before(paragraph):
    assert split_sentences(paragraph) == [paragraph]


def test_sentence_opening_in_capitals_after_a_stop_is_still_split():
    assert split_sentences("“It is over.” The envoy left. the KCNA said.") == [
        "“It is over.”", "The envoy left. the KCNA said."
    ]


def test_overlong_run_is_cut_at_spaces_with_one_warning():
    paragraph = " ".join(f"word{i}" for i in range(3_000))  # about 26,000 characters, no full stop
    with pytest.warns(SentenceWarning) as caught:
        pieces = split_sentences(paragraph, limit=1_000)
    assert len(caught) == 1
    assert all(0 < len(piece) <= 1_000 for piece in pieces)
    assert all(piece == piece.strip() for piece in pieces)
    assert " ".join(pieces).split() == paragraph.split()


def test_overlong_run_without_a_space_is_cut_at_the_limit():
    with pytest.warns(SentenceWarning):
        pieces = split_sentences("x" * 2_500, limit=1_000)
    assert [len(piece) for piece in pieces] == [1_000, 1_000, 500]


def test_paragraph_of_sentences_under_the_limit_gives_no_warning(recwarn):
    split_sentences("A short sentence. Another one follows it.", limit=30)
    assert not [w for w in recwarn if issubclass(w.category, SentenceWarning)]


def test_article_with_a_megabyte_line_gives_no_megabyte_sentence():
    line = "data " * 400_000  # 2 MB with no full stop
    article = Article(file="a.txt", source="src", outlet="Outlet", published="", headline="", text=f"Pact Talks Resume\n\n{line}")
    with pytest.warns(SentenceWarning):
        rows = list(article_sentences(article, SpeakerTable({})))
    assert max(len(row.text) for row in rows) <= MAX_SENTENCE_CHARS
    assert sum(len(row.text.split()) for row in rows) == 400_003
