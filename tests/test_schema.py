"""stance.schema: the story's labels, actors and cues, validated on load."""

from __future__ import annotations

import pytest
from conftest import SEEDS, TINY_SCHEMA

from stance.errors import InputDataError
from stance.schema import load_schema, schema_beside

# -- the seed schema follows the codebook ----------------------------------------------------------


def test_seed_schema_defines_the_four_codebook_labels_in_order(seed_schema):
    assert seed_schema.label_names == ("pro_extension", "blames_seoul", "blames_tokyo", "blames_us")


@pytest.mark.parametrize(
    "label, actor",
    [("pro_extension", None), ("blames_seoul", "south_korea"), ("blames_tokyo", "japan"), ("blames_us", "us")],
)
def test_each_blame_label_names_the_actor_it_blames(seed_schema, label, actor):
    assert seed_schema.label(label).actor == actor


@pytest.mark.parametrize(
    "side, name",
    [("south_korea", "Moon"), ("south_korea", "Blue House"), ("south_korea", "Seoul"), ("japan", "Abe"),
     ("us", "Trump administration"), ("north_korea", "Pyongyang"), ("china", "Beijing")],
)
def test_seed_actors_include_the_names_that_stand_for_each_party(seed_schema, side, name):
    assert name in seed_schema.actors[side]


def test_seed_blame_cues_are_cue_kinds(seed_schema):
    assert seed_schema.blame_kinds
    assert set(seed_schema.blame_kinds) <= set(seed_schema.cues)
    assert "condition" in seed_schema.cues and "unless" in seed_schema.cues["condition"]


def test_lexicon_is_plain_lists_of_the_schema_entries(seed_schema):
    lexicon = seed_schema.lexicon()
    assert set(lexicon) == {"actors", "cues", "blame_kinds"}
    assert lexicon["actors"]["south_korea"] == list(seed_schema.actors["south_korea"])
    assert all(type(words) is list for words in lexicon["cues"].values())
    assert lexicon["blame_kinds"] == list(seed_schema.blame_kinds)


@pytest.mark.parametrize("where", ["folder", "file-in-folder"])
def test_schema_beside_finds_the_schema_of_a_folder_or_of_a_file_in_it(where):
    target = SEEDS if where == "folder" else SEEDS / "labels.csv"
    assert schema_beside(target).label_names == load_schema(SEEDS / "schema.toml").label_names


# -- invalid schemas are refused with the file named ------------------------------------------------------

LABEL = '[[labels]]\nname = "blames_seoul"\n'
ACTORS = '[actors]\nsouth_korea = ["Seoul"]\n'


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param("this is = not [ toml", "not valid TOML", id="bad-toml"),
        pytest.param(LABEL, "[actors]", id="no-actors"),
        pytest.param(ACTORS, "[[labels]]", id="no-labels"),
        pytest.param('[[labels]]\nname = "Blames-Seoul"\n' + ACTORS, "'Blames-Seoul' is invalid", id="bad-label-name"),
        pytest.param('[[labels]]\nname = "blames_x"\nactor = "mars"\n' + ACTORS, "'mars'", id="unknown-actor"),
        pytest.param(LABEL + LABEL + ACTORS, "defined twice: blames_seoul", id="duplicate-label"),
        pytest.param('[actors]\nsouth_korea = "Seoul"\n' + LABEL, "list of non-empty strings", id="actor-not-a-list"),
        pytest.param('[actors]\nsouth_korea = ["Seoul", " "]\n' + LABEL, "list of non-empty strings", id="blank-actor"),
        pytest.param('blame_cues = ["judgement"]\n' + LABEL + ACTORS, "'judgement'", id="blame-cue-not-a-cue"),
        pytest.param('[[labels]]\nname = "b"\nkeywords = "mistake"\n' + ACTORS, "keywords", id="keywords-not-a-list"),
    ],
)
def test_invalid_schema_is_an_input_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "schema.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        load_schema(path)
    assert str(caught.value).startswith("schema.toml: ")
    assert message in str(caught.value)


def test_missing_schema_is_an_input_error_saying_what_it_is_for(tmp_path):
    with pytest.raises(InputDataError, match="schema.toml: no schema file"):
        load_schema(tmp_path / "schema.toml")


def test_non_utf8_schema_is_an_input_error(tmp_path):
    path = tmp_path / "schema.toml"
    path.write_bytes(b'story = "caf\xe9"\n' + (ACTORS + LABEL).encode())
    with pytest.raises(InputDataError, match="schema.toml"):
        load_schema(path)


def test_minimal_schema_loads_with_defaults(tmp_path):
    path = tmp_path / "schema.toml"
    path.write_text(ACTORS + LABEL, encoding="utf-8")
    schema = load_schema(path)
    label = schema.label("blames_seoul")
    assert (label.display, label.actor, label.keywords) == ("blames_seoul", None, ())
    assert schema.cues == {} and schema.blame_kinds == ()


def test_test_suite_tiny_schema_is_valid(tmp_path):
    path = tmp_path / "schema.toml"
    path.write_text(TINY_SCHEMA, encoding="utf-8")
    assert load_schema(path).label_names == ("blames_seoul", "pro_extension")


def test_side_names_give_display_names_and_an_unnamed_side_is_spaced(seed_schema):
    assert seed_schema.side_name("south_korea") == "South Korea"
    assert seed_schema.side_name("us") == "US"
    assert seed_schema.side_name("new_party") == "new party"


def test_a_side_name_that_is_not_a_string_is_refused(tmp_path):
    path = tmp_path / "schema.toml"
    path.write_text(TINY_SCHEMA + "\n[side_names]\njapan = 3\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="side_names"):
        load_schema(path)
