"""stance.attribution: quotation, speaker and the speaker's side, on named seed sentences."""

from __future__ import annotations

import pytest

from stance.attribution import Attribution, SpeakerTable, attribute_article, attribute_sentence
from stance.errors import InputDataError
from stance.sentences import split_sentences


def row(table, source: str, start: str):
    """The one seed sentence of ``source`` opening with ``start``."""
    found = table[(table["source"] == source) & table["text"].str.startswith(start)]
    assert len(found) == 1, f"expected one sentence of {source} opening {start!r}, found {len(found)}"
    return found.iloc[0]


# -- named examples from each of the five seed articles ----------------------------------------------


@pytest.mark.parametrize(
    "source, start, is_quote, speaker, side",
    [
        # 001 Bloomberg, Aug 23
        ("bloomberg-aug23", "Kim Hyun-chong, the South Korean national security official, said", False,
         "Kim Hyun-chong", "south_korea"),
        ("bloomberg-aug23", "Still, the adviser, Kim Hyun-chong, said", True, "Kim Hyun-chong", "south_korea"),
        ("bloomberg-aug23", "“If Japan and Korea are pulling apart", True, "Graham", "analyst"),
        # 000 Bloomberg, Nov 22
        ("bloomberg-nov22", "“The U.S. needs both Japan and South Korea", True, "Yuki Tatsumi", "analyst"),
        # 002 Bloomberg republished
        ("bloomberg-reprint", "“Establishing a dialogue channel", True, "Duyeon Kim", "analyst"),
        # 003 Breitbart
        ("breitbart", "“The relationship between Japan and South Korea", True, "Kono", "japan"),
        ("breitbart", "“China will work with South Korea and Japan", True, "Wang", "china"),
        # 004 Japan Times
        ("japantimes", "“Unfortunately, this position tends to come off as favoritism", True, "Aum", "analyst"),
        ("japantimes", "According to Brazinsky, “If Seoul is forced to back down", True, "Brazinsky", "analyst"),
    ],
)
def test_seed_sentence_has_its_named_speaker_and_side(seed_table, source, start, is_quote, speaker, side):
    sentence = row(seed_table, source, start)
    assert (bool(sentence["is_quote"]), sentence["speaker"], sentence["speaker_side"]) == (is_quote, speaker, side)


@pytest.mark.parametrize(
    "source, start, is_quote, phrase_ends, side",
    [
        # A speaker named by a description or with a title: the phrase ends with the name, the side is the entry's.
        ("bloomberg-nov22", "The two sides were having “positive” discussions", False,
         "person familiar with the talks", "unknown"),
        ("bloomberg-nov22", "“It was a due decision", True, "Korean Central News Agency", "north_korea"),
        ("bloomberg-reprint", "“The Secretary thanks both the governments", True, "Defense Department statement", "us"),
        ("breitbart", "The NYT blamed President Donald Trump’s foreign policy", False, "NYT", "media"),
        ("japantimes", "“So far, (the option) has not been reviewed", True, "Choi Hyun-soo", "south_korea"),
    ],
)
def test_seed_sentence_has_its_described_speaker_and_side(seed_table, source, start, is_quote, phrase_ends, side):
    sentence = row(seed_table, source, start)
    assert bool(sentence["is_quote"]) is is_quote
    assert sentence["speaker"].endswith(phrase_ends), sentence["speaker"]
    assert sentence["speaker_side"] == side


@pytest.mark.parametrize(
    "source, first, second, speaker, side",
    [
        ("bloomberg-nov22", "“The U.S. needs both Japan", "“The breakdown of the Japan-South Korea relationship",
         "Yuki Tatsumi", "analyst"),
        ("bloomberg-reprint", "“The Secretary thanks both", "“The agreement is important to sharing vital",
         "Defense Department statement", "us"),
        ("bloomberg-reprint", "“Establishing a dialogue channel", "“But it has been a mistake for Seoul",
         "Duyeon Kim", "analyst"),
        ("breitbart", "“The relationship between Japan and South Korea", "“The Japanese government will continue",
         "Kono", "japan"),
    ],
)
def test_quoted_sentence_following_an_attributed_one_in_its_paragraph_shares_the_speaker(
    seed_table, source, first, second, speaker, side
):
    a, b = row(seed_table, source, first), row(seed_table, source, second)
    assert a["paragraph"] == b["paragraph"]
    assert bool(b["is_quote"])
    assert (b["speaker"], b["speaker_side"]) == (a["speaker"], a["speaker_side"])
    assert a["speaker"].endswith(speaker) and a["speaker_side"] == side


@pytest.mark.parametrize(
    "source, starts, name_ends, side",
    [
        # “It’s absolutely essential. In a military crisis, …,” former … Kelly Magsamen told the New York Times.
        ("breitbart", ["“It’s absolutely essential.", "In a military crisis"], "Kelly Magsamen", "us"),
        # “The Trump administration …,” said Van Jackson, … “But they don’t … I just don’t see …”
        ("japantimes", ["“The Trump administration has clearly decided", "“But they don’t have much",
                        "I just don’t see how the U.S."], "Van Jackson", "analyst"),
    ],
)
def test_multi_sentence_quotation_shares_its_speaker(seed_table, source, starts, name_ends, side):
    rows = [row(seed_table, source, start) for start in starts]
    assert all(bool(r["is_quote"]) for r in rows)
    assert all(r["speaker"].endswith(name_ends) and r["speaker_side"] == side for r in rows)


@pytest.mark.parametrize(
    "source, start, speaker, side",
    [
        # “The U.S. had asked us to consider extending GSOMIA, …,” he said. (after Kim Hyun-chong … said …)
        ("bloomberg-aug23", "“The U.S. had asked us to consider extending GSOMIA", "Kim Hyun-chong", "south_korea"),
        # “I don’t see why more time is needed …,” he said. (after Brazinsky said …)
        ("japantimes", "“I don’t see why more time is needed", "Brazinsky", "analyst"),
        # “The alliance has worked for decades …,” he added. (after … Brazinsky said.)
        ("japantimes", "“The alliance has worked for decades", "Brazinsky", "analyst"),
    ],
)
def test_he_said_takes_the_last_named_speaker(seed_table, source, start, speaker, side):
    sentence = row(seed_table, source, start)
    assert (sentence["speaker"], sentence["speaker_side"]) == (speaker, side)


@pytest.mark.parametrize(
    "source, start",
    [
        ("bloomberg-nov22", "Japan removed South Korea from its “white list”"),
        ("breitbart", "The decision was explicitly linked to Japan’s removal of South Korea from its “white list”"),
        ("bloomberg-nov22", "The two sides were having “positive” discussions"),
        ("japantimes", "But U.S. officials have called the TISA pact “cumbersome” and “unwieldy,”"),
    ],
)
def test_scare_quotes_do_not_make_a_quotation(seed_table, source, start):
    assert not bool(row(seed_table, source, start)["is_quote"])


def test_unquoted_reporting_sentence_without_a_speaker_has_empty_attribution(seed_table):
    sentence = row(seed_table, "japantimes", "The pact will expire at 12:01 a.m. on Nov. 23")
    assert (bool(sentence["is_quote"]), sentence["speaker"], sentence["speaker_side"]) == (False, "", "")


# -- attribute_article on built paragraphs -------------------------------------------------------------


def attribute(paragraphs: list[str], table: SpeakerTable) -> list[Attribution]:
    split = [split_sentences(paragraph) for paragraph in paragraphs]
    return [voice for voices in attribute_article(split, table) for voice in voices]


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        (["“Seoul has made a terrible mistake,” said Kono."], [("Kono", "japan")]),
        (['"Seoul has made a terrible mistake," Kono said.'], [("Kono", "japan")]),
        (["“We are disappointed by this,” Graham said."], [("Graham", "analyst")]),
        (["Kono said: “This is how it goes on and on.”"], [("Kono", "japan")]),
        (["“It was a grave error,” said Kono. “It will hurt everyone here.”"], [("Kono", "japan")] * 2),
        (["“It was a grave error,” said Kono.", "“They never listen to reason,” he added."], [("Kono", "japan")] * 2),
        (["“It was a grave error,” said Kono.", "“Tokyo is the problem here,” Graham said.",
          "“They never listen to reason,” she said."], [("Kono", "japan"), ("Graham", "analyst"), ("Graham", "analyst")]),
    ],
    ids=["said-name", "straight-quotes", "name-said", "colon", "two-sentences", "he-added", "she-said-last-named"],
)
def test_quoted_sentences_get_the_speaker_named_for_them(seed_speakers, paragraphs, expected):
    voices = attribute(paragraphs, seed_speakers)
    assert all(voice.is_quote for voice in voices)
    assert [(voice.speaker, voice.side) for voice in voices] == expected


def test_he_said_with_no_speaker_named_before_has_no_speaker(seed_speakers):
    (voice,) = attribute(["“We are not happy about any of it,” he said."], seed_speakers)
    assert voice == Attribution(is_quote=True, speaker="", side="")


@pytest.mark.parametrize(
    "sentence, is_quote",
    [
        ("Japan removed Seoul from its “white list” of trusted destinations.", False),
        ("Kono called the move “positive”.", False),
        ("Kono called the move “a completely mistaken response”.", True),
        ("Seoul made a decision.", False),
    ],
)
def test_quotation_needs_at_least_three_quoted_words(seed_speakers, sentence, is_quote):
    assert attribute_sentence(sentence, seed_speakers).is_quote is is_quote


def test_speaker_not_in_the_table_is_named_with_side_unknown(seed_speakers):
    voice = attribute_sentence("“This pact matters to all of us,” said Jane Doe.", seed_speakers)
    assert (voice.speaker, voice.side) == ("Jane Doe", "unknown")


def test_adverbial_opening_is_not_a_speaker(seed_speakers):
    voice = attribute_sentence("In Seoul, officials said the pact would end.", seed_speakers)
    assert voice.speaker == "officials"


def test_interrupted_quotation_is_attributed_to_the_speaker_named_between_its_parts(seed_speakers):
    voice = attribute_sentence(
        "“It is a grave error on their part,” said Kono, “and it will hurt everyone in the region.”", seed_speakers
    )
    assert (voice.is_quote, voice.speaker, voice.side) == (True, "Kono", "japan")


# -- the speaker table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, side",
    [
        ("Japanese broadcaster NHK", "media"),  # the head of the phrase, not its modifier
        ("Japanese Foreign Minister Taro Kono", "japan"),
        ("the New York Times", "media"),
        ("a person familiar with the talks", "unknown"),
        ("a lecturer at Victoria University", "analyst"),
        ("some of us", "unknown"),  # matching is case-sensitive: "us" is not the US
        ("USS Ronald Reagan", "unknown"),  # whole words only
    ],
)
def test_side_of_takes_the_head_entry_and_whole_words(seed_speakers, phrase, side):
    assert seed_speakers.side_of(phrase) == side


def test_corpus_without_speakers_csv_gives_every_speaker_side_unknown(tmp_path):
    table = SpeakerTable.for_corpus(tmp_path)
    assert table.entries == {}
    assert table.side_of("Kono") == "unknown"


@pytest.mark.parametrize(
    "content, message",
    [
        ("name,party\nKono,japan\n", "name and side"),
        ("name,side\nKono,japan\n,us\n", "line 3"),
        ("name,side\nKono,\n", "line 2"),
        ("name,side,aliases\nPentagon, the U.S. Defense Department,us\n", "line 2"),  # an unquoted comma
    ],
)
def test_bad_speakers_csv_is_an_input_error_naming_the_file(tmp_path, content, message):
    (tmp_path / "speakers.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        SpeakerTable.for_corpus(tmp_path)
    assert "speakers.csv" in str(caught.value)
    assert message in str(caught.value)


# -- forms of attribution in other outlets' copy --------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph, speaker, side",
    [
        ("Seoul will not budge on the matter, the presidential office said in a statement.",
         "the presidential office", "south_korea"),
        ("The pact served everyone well, said Kenji Ono, a former Japanese defense official.", "Kenji Ono", "japan"),
        ("“We need far more time than this,” said Han Ji-woo, a senior fellow at a think tank in Seoul.",
         "Han Ji-woo", "analyst"),
        ("Park Soo-min, a research fellow at the Korea Institute for National Unification, said the North would "
         "exploit the rift.", "Park Soo-min", "analyst"),
        ("Sarah Lin, an analyst at a think tank in Washington, said both allies were to blame.", "Sarah Lin", "analyst"),
        ('LEE JAE-WOO(SOUTH KOREAN FOREIGN MINISTRY SPOKESMAN) : "We regret the decision deeply."',
         "Lee Jae-woo", "south_korea"),
        ("According to the KCNA, the leader watched a drill.", "the KCNA", "north_korea"),
        ("According to the Ministry of Trade, Industry and Energy, the talks will resume.",
         "the Ministry of Trade, Industry and Energy", "unknown"),
        ("That's why the Japanese defense minister said talks must go on.", "the Japanese defense minister", "japan"),
        ("For example, officials in Tokyo say the curbs are about security.", "officials in Tokyo", "japan"),
        ("Chinese Foreign Ministry spokesman Geng Shuang on Monday urged calm.",
         "Chinese Foreign Ministry spokesman Geng Shuang", "china"),
        ("Tokyo will not move on trade, Cheong Wa Dae said Monday.", "Cheong Wa Dae", "south_korea"),
        ("Moon will meet Abe in Bangkok, the venue for a regional summit later this month, said Ko Eun-ji, a "
         "spokeswoman for the Blue House.", "Ko Eun-ji", "south_korea"),
        ("A diplomat, who asked not to be named, said the envoy had been recalled.", "A diplomat", "unknown"),
        ("Wang Hao, a scholar at Fudan University, said Beijing was watching.", "Wang Hao", "analyst"),
    ],
    ids=["said-in-a-statement", "said-x-title", "quote-said-x-title", "x-long-title-said", "analyst-in-washington",
         "transcript", "according-to-alias", "according-to-a-list", "discourse-marker", "marker-comma",
         "time-after-name", "closing-attribution-wins", "venue-is-no-speaker", "clause-apposition",
         "surname-entry-yields-to-role"],
)
def test_speaker_in_the_forms_of_other_outlets(seed_speakers, paragraph, speaker, side):
    (voice,) = attribute([paragraph], seed_speakers)
    assert (voice.speaker, voice.side) == (speaker, side)


@pytest.mark.parametrize(
    "sentence",
    [
        "Why Tokyo said no",
        "What Seoul told Washington about the pact",
        "Those who said the pact would survive were wrong.",
        "For example, the deal saved hours in a missile crisis.",
        "I have said before that the pact matters.",
        "When asked, the envoy declined to comment.",
        "The number of people who said they backed the decision rose.",
        "Seoul's decision, made late on Friday, surprised Tokyo.",
        "ANCHOR: The pact is set to lapse at midnight.",
    ],
)
def test_marker_clause_or_headline_is_never_a_speaker(seed_speakers, sentence):
    assert attribute_sentence(sentence, seed_speakers).speaker == ""


def test_dateline_is_never_a_speaker(seed_speakers):
    from stance.clean import clean_paragraphs

    text = "SEOUL, South Korea (AP) — In a sudden reversal, South Korea said Friday it would stay in the pact."
    (voice,) = attribute(clean_paragraphs(text), seed_speakers)
    assert (voice.speaker, voice.side) == ("South Korea", "south_korea")


@pytest.mark.parametrize(
    "paragraphs, speaker, side",
    [
        (["Cho Yoon-je, a spokesman for the Blue House, said the door was open.", "Cho said talks would go on."],
         "Cho", "south_korea"),
        (["A Japanese defense official said the data had been shared.", "The official said more would follow."],
         "The official", "japan"),
        (["The KCNA said in a commentary that the pact was a betrayal.", "The commentary said Seoul would pay."],
         "The commentary", "north_korea"),
        (["Mr. Esper said the alliance was strong.", "Kono said it needed work.", "He said more would follow."],
         "Kono", "japan"),
        (["The KCNA said the pact was a betrayal.", "It warned of consequences."], "The KCNA", "north_korea"),
    ],
    ids=["surname", "the-official", "the-commentary", "he-takes-the-nearest", "it-takes-the-agency"],
)
def test_later_mention_takes_the_side_of_the_speaker_it_refers_to(seed_speakers, paragraphs, speaker, side):
    voice = attribute(paragraphs, seed_speakers)[-1]
    assert (voice.speaker, voice.side) == (speaker, side)


def test_later_mention_with_no_speaker_before_it_stays_unknown(seed_speakers):
    (voice,) = attribute(["The official said more would follow."], seed_speakers)
    assert (voice.speaker, voice.side) == ("The official", "unknown")


@pytest.mark.parametrize(
    "phrase, side",
    [
        ("a Japanese analyst", "analyst"),
        ("an analyst at a think tank in Washington", "analyst"),
        ("a Tokyo-based analyst", "analyst"),
        ("officials in Washington", "us"),
        ("a former U.S. ambassador to Seoul", "us"),
        ("a spokesman for the Japanese embassy in Seoul", "japan"),
        ("a top adviser to President Moon Jae-in", "south_korea"),
        ("Chinese experts", "analyst"),
        ("Japanese media", "media"),
    ],
)
def test_a_roles_side_comes_from_its_head_not_its_institutes_place(seed_speakers, phrase, side):
    assert seed_speakers.side_of(phrase) == side


# -- aliases in speakers.csv -----------------------------------------------------------------------------


def test_aliases_column_gives_each_alias_the_side_and_name_of_its_entry(tmp_path):
    (tmp_path / "speakers.csv").write_text(
        "name,side,aliases\nKorean Central News Agency,north_korea,KCNA; the agency\nSeoul,south_korea\n",
        encoding="utf-8",
    )
    table = SpeakerTable.for_corpus(tmp_path)
    assert table.side_of("the KCNA") == "north_korea"
    assert table.side_of("Seoul") == "south_korea"
    assert table.canonical("the KCNA") == "Korean Central News Agency"
    assert table.canonical("Seoul officials") == "Seoul"
    assert table.canonical("Jane Doe") == ""


def test_speaker_in_capitals_is_matched_without_regard_to_case(seed_speakers):
    assert seed_speakers.side_of("KANG KYUNG-WHA") == "south_korea"
    assert seed_speakers.side_of("some of us") == "unknown"  # lower case stays case-sensitive


# -- the hand-written test set -------------------------------------------------------------------------


def test_attribution_on_the_hand_written_test_set_meets_the_bar(seed_speakers):
    """The issue's bar: a speaker for 90% of the sentences that have one, precision 0.9, no dateline a speaker."""
    from stance.attribution_eval import read_cases, run_cases, score

    scores = score(run_cases(read_cases(), seed_speakers), seed_speakers)
    assert scores.sentences >= 150
    assert scores.speaker_recall >= 0.9 and scores.speaker_precision >= 0.9
    assert scores.dateline_speakers == 0 and scores.datelines_kept == 0
    assert scores.furniture_kept == 0 and scores.lost == 0
