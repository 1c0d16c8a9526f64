"""stance.clean and stance/data/furniture.toml: each furniture rule on the seed articles' real text."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import SEEDS

from stance.clean import clean_paragraphs, default_rules

NOV22 = "000_2a2983a5ecd25909.txt"  # Bloomberg wire copy
AUG23 = "001_a265afc96e48ce6c.txt"  # Bloomberg wire copy
REPRINT = "002_6866d9848cb37b66.txt"  # Bloomberg republished by a third-party site
BREITBART = "003_291576e80f34e9f0.txt"
JAPANTIMES = "004_ac623f98074beb19.txt"


@cache
def raw(file: str) -> str:
    return (SEEDS / file).read_text(encoding="utf-8")


@cache
def cleaned(file: str) -> tuple[str, ...]:
    return tuple(clean_paragraphs(raw(file)))


# -- lines dropped whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, furniture_line",
    [
        (NOV22, "ADVERTISEMENT"),
        (AUG23, "ADVERTISEMENT"),
        (NOV22, "To contact the reporters on this story: Kanga Kong in Seoul at kkong50@bloomberg.net;"),
        (NOV22, "To contact the editors responsible for this story: Brendan Scott"),
        (AUG23, "To contact the reporters on this story: Jihye Lee in Seoul"),
        (NOV22, "©2019 Bloomberg L.P."),
        (AUG23, "©2019 Bloomberg L.P."),
        (NOV22, "--With assistance from Jihye Lee."),
        (AUG23, "--With assistance from Shinhye Kang."),
        (BREITBART, "COMMENTS"),
        (BREITBART, "Please let us know if you're having issues with commenting."),
        (REPRINT, "Leave a Reply"),
        (REPRINT, "Send this to a friend"),
        (JAPANTIMES, "by Jesse Johnson"),
        (JAPANTIMES, "Staff Writer"),
        (JAPANTIMES, "National / Politics | ANALYSIS"),
    ],
)
def test_furniture_line_of_a_seed_article_is_dropped(file, furniture_line):
    assert furniture_line in raw(file), "the seed text no longer holds this line: update the test"
    assert not any(furniture_line in paragraph for paragraph in cleaned(file))


def test_lone_outlet_name_line_is_dropped():
    # 002 prints "Bloomberg" alone under each of its two headlines.
    assert re.search(r"^Bloomberg$", raw(REPRINT), re.MULTILINE)
    assert "Bloomberg" not in cleaned(REPRINT)


# -- prefixes and credits stripped, the rest kept ------------------------------------------------------


def test_bloomberg_dateline_prefix_is_stripped_and_the_sentence_kept():
    assert "(Bloomberg) -- Japan and South Korea made a last-ditch effort" in raw(NOV22)
    starts = [p for p in cleaned(NOV22) if p.startswith("Japan and South Korea made a last-ditch effort")]
    assert len(starts) == 1
    assert not any("(Bloomberg)" in paragraph for paragraph in cleaned(NOV22))


def test_bloomberg_dateline_alone_on_its_line_leaves_no_paragraph():
    assert re.search(r"^\(Bloomberg\) --$", raw(AUG23), re.MULTILINE)
    assert not any("(Bloomberg)" in paragraph or paragraph in {"--", ""} for paragraph in cleaned(AUG23))
    assert cleaned(AUG23)[2].startswith("Japan and South Korea vowed to maintain defense cooperation")


@pytest.mark.parametrize(
    "credit, caption",
    [
        ("| AFP-JIJI", "Gen. Mark Milley, chairman of the U.S. Joint Chiefs of Staff, is the latest high-level U.S. "
         "official to call on South Korea to stay in a military information-sharing pact with Japan."),
        ("| REUTERS", "David Stilwell, U.S. assistant secretary for East Asian and Pacific affairs, talks with Cho "
         "Sei-young, South Korean vice foreign minister, during their meeting at the Foreign Ministry in Seoul on Nov. 6."),
        ("| AP", "Protesters stage a rally against the U.S. in front of the Foreign Ministry in Seoul on Nov. 6."),
    ],
)
def test_photo_credit_is_stripped_and_the_caption_kept_once(credit, caption):
    assert raw(JAPANTIMES).count(f"{caption} {credit}") == 2, "the seed prints each caption twice"
    assert cleaned(JAPANTIMES).count(caption) == 1
    assert not any(credit in paragraph for paragraph in cleaned(JAPANTIMES))


def test_repeated_caption_is_kept_where_it_first_appears():
    paragraphs = cleaned(JAPANTIMES)
    milley = next(i for i, p in enumerate(paragraphs) if p.startswith("Gen. Mark Milley, chairman"))
    assert paragraphs[milley - 1].startswith("In a push to prevent the defense pact")
    assert paragraphs[milley + 1].startswith("During a visit to Tokyo on Tuesday")


# -- broken lines mended ------------------------------------------------------------------------------


def test_line_broken_after_was_seen_as_important_is_joined_with_its_continuation():
    assert "was seen as important\nbecause it demonstrated" in raw(REPRINT)
    joined = [p for p in cleaned(REPRINT) if "was seen as important because it demonstrated" in p]
    assert len(joined) == 1
    assert joined[0].startswith("The pact was set to formally cease to exist at 12 am on Saturday")
    assert not any(p.startswith("because it demonstrated") for p in cleaned(REPRINT))


def test_paragraphs_separated_by_single_line_breaks_stay_separate():
    # 003 and 002 separate paragraphs with one line break; each ends a sentence, so none are joined.
    paragraphs = cleaned(BREITBART)
    assert paragraphs[0].startswith("After a modestly hopeful week")
    assert paragraphs[0].endswith("an intelligence-sharing agreement with Japan.")
    assert paragraphs[1].startswith("The pact in question, known as the General Security")


def test_non_breaking_space_is_normalised_to_one_space():
    assert "Undermining Trust\u00a0 With Intel Freeze" in raw(AUG23)
    assert "Japan’s Abe Accuses South Korea of Undermining Trust With Intel Freeze" in cleaned(AUG23)


# -- headlines kept ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, headline",
    [
        (NOV22, "Japan, South Korea Make Last-Minute Push to Save Intel Pact"),
        (NOV22, "U.S. Set for Strategic Blow as Japan-South Korea Pact Nears End"),
        (AUG23, "South Korea’s Intel Exit Exposes Hole in U.S. Security Net"),
        (AUG23, "Last-Minute Push"),
        (REPRINT, "Japan and South Korea rescue intelligence pact after US push"),
        (REPRINT, "Tokyo, Seoul to co-ordinate summit in China Next Month"),
        (JAPANTIMES, "Unwilling or unable? U.S. faces uphill battle in quest to save Japan-South Korea intel pact"),
    ],
)
def test_headline_and_sub_headline_are_kept_as_paragraphs(file, headline):
    assert headline in cleaned(file)


def test_headline_printed_again_mid_article_is_kept_once():
    headline = "South Korea’s Intel Exit Exposes Hole in U.S. Security Net"
    assert raw(AUG23).count(headline) == 2
    assert cleaned(AUG23).count(headline) == 1


def test_first_paragraph_of_each_article_is_its_headline_or_lead():
    assert cleaned(NOV22)[0] == "Japan, South Korea Make Last-Minute Push to Save Intel Pact"
    assert cleaned(JAPANTIMES)[0].startswith("Unwilling or unable?")
    assert cleaned(JAPANTIMES)[1].startswith("As the days tick down before the expiration")


@pytest.mark.parametrize("file", [NOV22, AUG23, REPRINT, BREITBART, JAPANTIMES])
def test_last_paragraph_is_article_text_not_furniture(file):
    last = cleaned(file)[-1]
    assert last.endswith((".", "”", ".”")), last
    assert len(last.split()) > 5


@pytest.mark.parametrize("file", [NOV22, AUG23, REPRINT, BREITBART, JAPANTIMES])
def test_cleaning_is_idempotent(file):
    once = list(cleaned(file))
    assert clean_paragraphs("\n".join(once)) == once


# -- the rule file itself ---------------------------------------------------------------------------------


def test_furniture_rules_ship_with_the_package_and_compile():
    rules = default_rules()
    assert rules.drop_line and rules.dateline and rules.strip_suffix
    assert all(isinstance(pattern, re.Pattern) for pattern in rules.drop_line)


@pytest.mark.parametrize(
    "line, kept",
    [
        ("(Reuters) - Seoul said on Friday it would quit the pact.", "Seoul said on Friday it would quit the pact."),
        ("(AFP) — Tokyo said no.", "Tokyo said no."),
        ("A protester holds a sign. | YONHAP", "A protester holds a sign."),
        ("By the end of the week, Seoul had changed course.", "By the end of the week, Seoul had changed course."),
    ],
)
def test_credit_rules_remove_only_the_credit(line, kept):
    assert clean_paragraphs(line) == [kept]


# -- datelines and sign-offs of other outlets --------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "SEOUL, Nov. 22 (Yonhap) -- South Korea said it would keep the pact.",
        "TOKYO (AP) — South Korea said it would keep the pact.",
        "(Bloomberg) -- South Korea said it would keep the pact.",
        "SEOUL, South Korea (AP) — South Korea said it would keep the pact.",
        "WASHINGTON — South Korea said it would keep the pact.",
        "NEW YORK, Nov. 21 (Yonhap) -- South Korea said it would keep the pact.",
        "TOKYO (Reuters) - South Korea said it would keep the pact.",
        "TOKYO, Nov. 22 (Jiji Press)--South Korea said it would keep the pact.",
        "Pyongyang, November 23 (KCNA) -- South Korea said it would keep the pact.",
        "BEIJING, Nov. 25, 2019 (Xinhua) -- South Korea said it would keep the pact.",
    ],
)
def test_dateline_is_stripped_and_the_sentence_kept(line):
    assert clean_paragraphs(line) == ["South Korea said it would keep the pact."]


@pytest.mark.parametrize(
    "line",
    [
        "U.S. officials — two of them — said the pact would survive.",
        "Seoul — not Tokyo — blinked first.",
        "GSOMIA lets the allies share data within hours.",
        "In 2019 - a year of feuds - the pact nearly died.",
    ],
)
def test_line_opening_like_a_dateline_but_without_one_is_kept_whole(line):
    assert clean_paragraphs(line) == [line]


@pytest.mark.parametrize(
    "sign_off",
    [
        "(END)",
        "kdh@yna.co.kr",
        "Reporting by Kaori Sato; Editing by Peter Lang",
        "(Additional reporting by Hyonhee Shin; editing by Robert Birsel)",
        "Writing by Jane Roe",
        "Copyright 2019 China Daily. All rights reserved.",
        "All rights reserved.",
        "Associated Press writer Mari Yamaguchi in Tokyo contributed to this report.",
        "Choe Sang-Hun contributed reporting from Seoul.",
        "Contact: newsdesk@example.com",
        "Follow the author on Twitter @example",
    ],
)
def test_sign_off_line_is_dropped(sign_off):
    assert clean_paragraphs(f"Seoul kept the pact.\n{sign_off}") == ["Seoul kept the pact."]


def test_end_mark_closing_the_last_paragraph_is_stripped():
    assert clean_paragraphs("The talks will resume next month, he said. (END)") == [
        "The talks will resume next month, he said."
    ]


@pytest.mark.parametrize(
    "line",
    [
        "The ministry said in an e-mail that the talks would resume.",
        "Hundreds of readers wrote to letters@example.com to say that the newspaper had been far too quick to blame "
        "Seoul for the collapse of the pact, and the editors promised to answer every one of them this week.",
        "Reporters were told the pact would end at midnight.",
    ],
)
def test_sentences_that_mention_mail_or_reporting_are_kept(line):
    assert clean_paragraphs(line) == [line]
