"""stance.features: the scikit-learn transformer contract, actor abstraction, cues and feature groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

from stance.features import StanceFeatures, as_sentence_frame, tokenize

# -- scikit-learn contract ------------------------------------------------------------------------------

API_CHECKS = [
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_valid_tag_types",
    "check_estimator_tags_renamed",
]


@pytest.mark.parametrize("check", API_CHECKS)
def test_featuriser_passes_scikit_learn_api_check(check, seed_schema):
    run = getattr(estimator_checks, check)
    run("StanceFeatures", StanceFeatures())
    run("StanceFeatures", StanceFeatures(lexicon=seed_schema.lexicon(), speakers={"Kono": "japan"}, cues=False))


def test_clone_round_trip_keeps_every_parameter(seed_schema):
    original = StanceFeatures(
        lexicon=seed_schema.lexicon(), speakers={"Kono": "japan"}, ngrams=False, quotes=False,
        meaning_weight=0.25, min_df=1,
    )
    copy = clone(original)
    assert copy is not original
    assert copy.get_params() == original.get_params()
    assert clone(copy).get_params() == original.get_params()


def test_clone_of_a_fitted_featuriser_is_unfitted(seed_schema):
    fitted = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(["Seoul erred.", "Tokyo erred."])
    with pytest.raises(NotFittedError):
        clone(fitted).transform(["Seoul erred."])


def test_fit_stores_only_parameters_and_learned_attributes_ending_in_underscore(seed_schema):
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(["Seoul erred.", "Tokyo erred."])
    params = set(features.get_params())
    assert all(name in params or name.endswith("_") for name in vars(features)), sorted(vars(features))


def test_fit_returns_self_and_does_not_change_parameters(seed_schema):
    lexicon = seed_schema.lexicon()
    features = StanceFeatures(lexicon=lexicon, min_df=1)
    before = repr(features.get_params())
    assert features.fit(["Seoul erred.", "Tokyo erred."]) is features
    assert repr(features.get_params()) == before


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        StanceFeatures().transform(["Seoul erred."])


def test_output_has_one_row_per_sentence_and_one_column_per_feature_name(seed_schema):
    texts = ["Seoul erred badly.", "Tokyo erred badly.", "The pact is crucial."]
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(texts)
    matrix = features.transform(texts)
    assert matrix.shape == (3, len(features.get_feature_names_out()))


def test_list_and_dataframe_inputs_give_the_same_matrix(seed_schema):
    texts = ["Seoul erred badly.", "Tokyo erred badly.", "The pact is crucial."]
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(texts)
    as_list = features.transform(texts).toarray()
    as_frame = features.transform(pd.DataFrame({"id": [1, 2, 3], "text": texts})).toarray()
    np.testing.assert_array_equal(as_list, as_frame)


def test_dataframe_without_text_column_is_refused():
    with pytest.raises(ValueError, match="'text' column"):
        as_sentence_frame(pd.DataFrame({"sentence": ["a"]}))


# -- actor abstraction --------------------------------------------------------------------------------------

ACTOR_VARIANTS = ["Moon", "Blue House", "Seoul"]


def _ngram_and_actor_columns(features):
    names = features.get_feature_names_out()
    return [i for i, name in enumerate(names) if name.startswith(("ngram:", "actor:"))]


def test_moon_blue_house_and_seoul_give_the_same_actor_token(seed_schema):
    texts = [f"{name} blamed Tokyo for the mistake." for name in ACTOR_VARIANTS]
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(texts)
    names = set(features.get_feature_names_out())
    assert {"ngram:actor_south_korea", "ngram:actor_japan", "actor:south_korea", "actor:japan"} <= names
    assert not {"ngram:moon", "ngram:blue", "ngram:hous", "ngram:seoul", "ngram:tokyo"} & names
    rows = features.transform(texts).toarray()[:, _ngram_and_actor_columns(features)]
    np.testing.assert_array_equal(rows[0], rows[1])
    np.testing.assert_array_equal(rows[0], rows[2])


def test_sentences_differing_only_in_the_name_of_a_party_get_identical_features(seed_schema):
    texts = [f"{name} blamed Tokyo for the mistake." for name in ACTOR_VARIANTS]
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1).fit(texts)
    rows = features.transform(texts).toarray()
    np.testing.assert_array_equal(rows[0], rows[1])
    np.testing.assert_array_equal(rows[0], rows[2])


def test_actor_names_are_case_sensitive_so_us_is_not_the_united_states(seed_schema):
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1, quotes=False).fit(
        ["Tell us more.", "The US said no."]
    )
    matrix = features.transform(["Tell us more.", "The US said no."]).toarray()
    column = list(features.get_feature_names_out()).index("actor:us")
    assert matrix[:, column].tolist() == [0.0, features.meaning_weight]


# -- meaning features ------------------------------------------------------------------------------------------


def fired(features, text: str) -> set[str]:
    names = features.get_feature_names_out()
    row = features.transform([text]).toarray()[0]
    return {name for name, value in zip(names, row) if value and not name.startswith("ngram:")}


@pytest.fixture(scope="module")
def fitted(seed_schema):
    texts = [
        "Moon will not revive the pact unless Japan withdraws its export controls.",
        "Seoul's decision was a completely mistaken response.",
        "The U.S. sat largely on the sidelines.",
        "“It is absolutely essential for us,” said Kono.",
    ]
    return StanceFeatures(lexicon=seed_schema.lexicon(), speakers={"Kono": "japan"}, quotes=True, min_df=1).fit(texts)


def test_unless_japan_withdraws_fires_condition_japan_and_blames_japan(fitted):
    names = fired(fitted, "Moon will not revive the pact unless Japan withdraws its export controls.")
    assert {"condition:japan", "blamed:japan", "cue:condition", "subject:south_korea"} <= names
    assert "condition:south_korea" not in names


def test_possessive_actor_next_to_a_judgement_is_blamed(fitted):
    names = fired(fitted, "Seoul's decision was a completely mistaken response.")
    assert {"possessive:south_korea", "near:south_korea:judgement", "blamed:south_korea", "cue:judgement"} <= names


def test_inaction_cue_near_the_us_blames_the_us(fitted):
    assert {"near:us:inaction", "blamed:us", "cue:any_blame"} <= fired(fitted, "The U.S. sat largely on the sidelines.")


def test_quote_features_come_from_the_sentence_and_the_speaker_table(fitted):
    assert fitted.quotes
    assert {"quote", "speaker:japan"} <= fired(fitted, "“It is absolutely essential for us,” said Kono.")
    assert "quote" not in fired(fitted, "The U.S. sat largely on the sidelines.")


def test_quote_features_given_in_a_dataframe_are_used_as_given(fitted):
    frame = pd.DataFrame(
        {"text": ["The U.S. sat largely on the sidelines."], "is_quote": ["true"], "speaker_side": ["japan"]}
    )
    names = fitted.get_feature_names_out()
    row = fitted.transform(frame).toarray()[0]
    on = {name for name, value in zip(names, row) if value}
    assert {"quote", "speaker:japan"} <= on


def test_meaning_features_are_scaled_by_meaning_weight(seed_schema):
    texts = ["Seoul erred.", "Tokyo erred."]
    for weight in (0.5, 2.0):
        features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=1, ngrams=False, meaning_weight=weight).fit(texts)
        row = features.transform(["Seoul erred."]).toarray()[0]
        assert set(row[row != 0]) == {weight}


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("Seoul’s decision", ["Seoul", "'s", "decision"]),
        ("They don't agree.", ["They", "do", "n't", "agree"]),
        ("The U.S., Japan; and Korea:", ["The", "U.S", ",", "Japan", ";", "and", "Korea", ":"]),
    ],
)
def test_tokenize_splits_possessives_negations_and_clause_punctuation(text, tokens):
    assert tokenize(text) == tokens


# -- feature groups can be switched off ---------------------------------------------------------------------------

GROUP_TEXTS = [
    "Moon will not revive the pact unless Japan withdraws its export controls.",
    "Seoul's decision was a completely mistaken response.",
    "“It is absolutely essential for everyone,” said Kono.",
    "The U.S. sat largely on the sidelines, withdrawing.",
]


def names_with(seed_schema, **switches) -> set[str]:
    switches = {"ngrams": True, "actors": True, "cues": True, "quotes": True, "stems": True, **switches}
    features = StanceFeatures(lexicon=seed_schema.lexicon(), speakers={"Kono": "japan"}, min_df=1, **switches)
    return set(features.fit(GROUP_TEXTS).get_feature_names_out())


@pytest.mark.parametrize(
    "group, is_of_group",
    [
        ("ngrams", lambda name: name.startswith("ngram:")),
        ("actors", lambda name: name.startswith(("actor:", "subject:", "possessive:", "near:", "condition:", "blamed:"))
         or "actor_" in name),
        ("cues", lambda name: name.startswith(("cue:", "near:", "condition:", "blamed:"))),
        ("quotes", lambda name: name == "quote" or name.startswith("speaker:")),
    ],
)
def test_switching_a_feature_group_off_removes_its_feature_names(seed_schema, group, is_of_group):
    with_group = names_with(seed_schema)
    without_group = names_with(seed_schema, **{group: False})
    assert any(is_of_group(name) for name in with_group)
    assert not any(is_of_group(name) for name in without_group)
    assert without_group  # the other groups remain


def test_switching_stems_off_keeps_whole_words_in_the_ngrams(seed_schema):
    stemmed, whole = names_with(seed_schema), names_with(seed_schema, stems=False)
    assert "ngram:withdraw" in stemmed and "ngram:withdraws" not in stemmed
    assert "ngram:withdraws" in whole and "ngram:withdrawing" in whole


def test_min_df_drops_ngrams_seen_in_fewer_sentences(seed_schema):
    texts = ["Seoul protested.", "Seoul protested again.", "Tokyo waited."]
    features = StanceFeatures(lexicon=seed_schema.lexicon(), min_df=2).fit(texts)
    ngrams = {name for name in features.get_feature_names_out() if name.startswith("ngram:")}
    assert "ngram:actor_south_korea" in ngrams and "ngram:protest" in ngrams
    assert "ngram:wait" not in ngrams and "ngram:again" not in ngrams
