"""stance.near_duplicates: copies and lightly edited copies of an article are grouped; distinct
articles on the same story are not."""

from __future__ import annotations

from stance.near_duplicates import near_duplicates, shingles

STORY = (
    "Seoul said on Thursday it would let the intelligence pact with Tokyo lapse, citing the export curbs. "
    "Officials in Washington voiced disappointment and urged both capitals to talk. "
    "Analysts warned that the two allies would now share warnings about missile launches more slowly. "
    "The defence ministry in Seoul said the decision had been reviewed for weeks by the national security council. "
    "Japanese officials called the move regrettable and said the curbs were a matter of export control alone."
)
OTHER = (
    "The pact survived at the last hour after Seoul suspended its notice of withdrawal. "
    "Diplomats credited steady pressure from American envoys who visited both capitals in November. "
    "Trade talks between the neighbours will resume next month in a new format, officials said. "
    "Markets in both countries rose slightly on the news while critics in Seoul called the reversal a retreat."
)


def test_an_exact_copy_and_a_lightly_edited_copy_are_grouped_with_the_first_file_kept():
    edited = STORY.replace("on Thursday", "late on Thursday") + " Copyright notice."
    groups = near_duplicates({"b.txt": STORY, "a.txt": edited, "c.txt": STORY, "d.txt": OTHER})
    assert len(groups) == 1
    assert groups[0].kept == "a.txt" and groups[0].copies == ("b.txt", "c.txt")
    assert 0.8 <= groups[0].similarity <= 1.0


def test_distinct_articles_about_the_same_story_are_not_duplicates():
    assert near_duplicates({"a.txt": STORY, "b.txt": OTHER}) == []


def test_two_hundred_copies_of_two_articles_make_two_groups():
    articles = {f"{i:03d}.txt": STORY if i % 2 else OTHER for i in range(200)}
    groups = near_duplicates(articles)
    assert sorted(group.kept for group in groups) == ["000.txt", "001.txt"]
    assert sum(len(group.copies) for group in groups) == 198


def test_shingles_ignore_case_and_punctuation_and_cover_short_texts():
    assert (shingles("Seoul, quits the PACT now!") == shingles("seoul quits the pact now")).all()
    assert len(shingles("Too short.")) == 1
