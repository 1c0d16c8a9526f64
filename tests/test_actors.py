"""stance.actors: every name of a party becomes its canonical name, and nothing else changes."""

from __future__ import annotations

from stance.actors import canonical_names, normalise_actors

ACTORS = {
    "south_korea": ["South Korea", "Seoul", "Moon", "Moon Jae-in", "Blue House"],
    "japan": ["Japan", "Tokyo", "Abe"],
    "us": ["U.S.", "US", "Washington"],
}


def test_the_first_name_listed_is_the_canonical_one():
    assert canonical_names(ACTORS) == {"south_korea": "South Korea", "japan": "Japan", "us": "U.S."}


def test_each_name_of_a_party_becomes_its_canonical_name():
    text = "Moon Jae-in and the Blue House defied Tokyo, as Washington watched."
    assert normalise_actors(text, ACTORS) == "South Korea and the South Korea defied Japan, as U.S. watched."


def test_longest_name_wins_and_possessives_stay():
    assert normalise_actors("Moon Jae-in's aides met Abe's envoy.", ACTORS) == "South Korea's aides met Japan's envoy."


def test_case_and_word_boundaries_are_kept():
    # 'us' is a pronoun, 'Moonlight' and 'Abendroth' are not names of a party.
    text = "Let us walk in the Moonlight with Abendroth."
    assert normalise_actors(text, ACTORS) == text


def test_no_actors_leaves_the_text_alone():
    assert normalise_actors("Seoul said no.", {}) == "Seoul said no."
