"""stance.corpus: opening a folder of articles with its manifest and story files."""

from __future__ import annotations

import warnings

import pytest
from conftest import SEEDS

from stance.corpus import MANIFEST_COLUMNS, Corpus, CorpusWarning, read_manifest
from stance.errors import InputDataError
from stance.story_files import StoryFileWarning
from stance.textfiles import read_text_file

MANIFEST_HEADER = ",".join(MANIFEST_COLUMNS)


def make_corpus(folder, articles: dict[str, bytes | str], manifest: str | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in articles.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if manifest is not None:
        (folder / "sources.csv").write_text(manifest, encoding="utf-8")
    return folder


def read_corpus(folder):
    """Every article of a corpus folder, as the stages after it see them."""
    return list(Corpus.open(folder).articles())


def manifest_for(*files: str) -> str:
    rows = [f"{name},src-{index},Outlet {index},2019-11-22,Headline {index}" for index, name in enumerate(files)]
    return "\n".join([MANIFEST_HEADER, *rows]) + "\n"


# -- the seed corpus -------------------------------------------------------------------


def test_seed_corpus_reads_every_article_in_file_name_order():
    articles = read_corpus(SEEDS)
    assert [article.file for article in articles] == sorted(path.name for path in SEEDS.glob("*.txt"))
    assert len(articles) == 5


@pytest.mark.parametrize(
    "file, source, outlet",
    [
        ("000_2a2983a5ecd25909.txt", "bloomberg-nov22", "Bloomberg"),
        ("002_6866d9848cb37b66.txt", "bloomberg-reprint", "Bloomberg (republished)"),
        ("003_291576e80f34e9f0.txt", "breitbart", "Breitbart News"),
        ("004_ac623f98074beb19.txt", "japantimes", "The Japan Times"),
    ],
)
def test_seed_article_takes_source_and_outlet_from_the_manifest(file, source, outlet):
    article = next(article for article in read_corpus(SEEDS) if article.file == file)
    assert (article.source, article.outlet) == (source, outlet)


def test_seed_article_text_is_the_file_text():
    article = read_corpus(SEEDS)[0]
    assert article.text.startswith("ADVERTISEMENT\n")
    assert "©2019 Bloomberg L.P." in article.text


# -- errors that name the file -------------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected_in_message",
    [
        pytest.param(b"Seoul said no.\nbroken \xff byte\n", "line 2", id="non-utf8-names-its-line"),
        pytest.param("Seoul said no.".encode("utf-16"), "UTF-16", id="utf16-le-with-bom"),
        pytest.param(b"\xfe\xff" + "Seoul said no.".encode("utf-16-be"), "UTF-16", id="utf16-be-with-bom"),
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param(b"  \n\n\t\n", "empty", id="blank-lines-only"),
    ],
)
def test_unreadable_or_empty_article_is_an_input_error_naming_the_file(tmp_path, content, expected_in_message):
    corpus = make_corpus(tmp_path / "corpus", {"bad_article.txt": content}, manifest_for("bad_article.txt"))
    with pytest.raises(InputDataError) as caught:
        read_corpus(corpus)
    assert "bad_article.txt" in str(caught.value)
    assert expected_in_message in str(caught.value)


def test_non_utf8_error_carries_path_and_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\ntwo\nthr\xe9e\n")  # latin-1 e-acute on line 3
    with pytest.raises(InputDataError) as caught:
        read_text_file(path)
    assert caught.value.path == path
    assert caught.value.line == 3
    assert "0xe9" in str(caught.value)


def test_binary_file_with_nul_bytes_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc\x00def")
    with pytest.raises(InputDataError, match="a.txt"):
        read_text_file(path)


@pytest.mark.parametrize("dropped", MANIFEST_COLUMNS)
def test_manifest_missing_a_column_is_an_input_error_naming_sources_csv_and_the_column(tmp_path, dropped):
    columns = [column for column in MANIFEST_COLUMNS if column != dropped]
    values = {"file": "a.txt", "source": "s", "outlet": "o", "published": "2019", "headline": "h"}
    manifest = ",".join(columns) + "\n" + ",".join(values[column] for column in columns) + "\n"
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "Seoul said no."}, manifest)
    with pytest.raises(InputDataError) as caught:
        read_corpus(corpus)
    message = str(caught.value)
    assert "sources.csv" in message
    assert dropped in message


def test_manifest_row_with_empty_file_value_names_its_line(tmp_path):
    manifest = MANIFEST_HEADER + "\na.txt,s,o,2019,h\n,t,o,2019,h\n"
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "Seoul said no."}, manifest)
    with pytest.raises(InputDataError, match=r"sources\.csv line 3"):
        read_corpus(corpus)


def test_manifest_header_with_spaces_and_bom_is_accepted(tmp_path):
    manifest = "\ufeff file , source ,outlet,published,headline\r\na.txt,the-source,Outlet,2019,H\r\n"
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "Seoul said no."}, manifest)
    assert read_manifest(corpus)["a.txt"]["source"] == "the-source"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda root: root / "does-not-exist", "not a folder"),
        (lambda root: (root / "file.txt").write_text("x") and root / "file.txt", "not a folder"),
        (lambda root: (root / "empty").mkdir() or root / "empty", "no .txt"),
    ],
    ids=["missing", "a-file", "no-articles"],
)
def test_a_corpus_must_be_a_folder_holding_articles(tmp_path, make, message):
    with pytest.raises(InputDataError, match=message):
        read_corpus(make(tmp_path))


# -- articles without a manifest row ------------------------------------------------------------


def test_article_missing_from_manifest_gets_its_stem_as_source_and_a_warning(tmp_path):
    corpus = make_corpus(
        tmp_path / "corpus",
        {"listed.txt": "Seoul said no.", "new_article.txt": "Tokyo said yes."},
        manifest_for("listed.txt"),
    )
    with pytest.warns(CorpusWarning, match="new_article.txt"):
        articles = read_corpus(corpus)
    by_file = {article.file: article for article in articles}
    assert by_file["new_article.txt"].source == "new_article"
    assert by_file["new_article.txt"].outlet == "new_article"
    assert by_file["listed.txt"].source == "src-0"


def test_a_corpus_without_manifest_warns_once_whatever_its_size_and_says_what_stands_in(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {f"{name}.txt": "One." for name in "abcdefghijklmnopqrstuvw"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = read_corpus(corpus)
    [warning] = [w for w in caught if issubclass(w.category, CorpusWarning)]
    assert "no sources.csv" in str(warning.message) and "file name stands in" in str(warning.message)
    assert [article.source for article in articles][:2] == ["a", "b"]


def test_articles_missing_from_a_manifest_share_one_warning_naming_the_first_few(tmp_path):
    names = [f"new-{index}.txt" for index in range(8)]
    corpus = make_corpus(tmp_path / "corpus", {"listed.txt": "One.", **dict.fromkeys(names, "Two.")}, manifest_for("listed.txt"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Corpus.open(corpus)
    [warning] = [w for w in caught if issubclass(w.category, CorpusWarning)]
    assert str(warning.message).startswith("8 article(s) not in sources.csv (new-0.txt, ")
    assert "and 3 more" in str(warning.message)


def test_a_corpus_without_story_files_is_read_with_the_shipped_schema_and_one_warning_each(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "One."}, manifest_for("a.txt"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opened = Corpus.open(corpus)
    story_warnings = [str(w.message) for w in caught if issubclass(w.category, StoryFileWarning)]
    assert len(story_warnings) == 2 and all("using the shipped story's" in message for message in story_warnings)
    assert "schema.toml" in story_warnings[0] and "speakers.csv" in story_warnings[1]
    assert opened.shipped_story and "pro_extension" in opened.schema.label_names
    assert opened.speakers.entries  # the shipped story's speakers come with its schema


def test_a_corpus_with_its_own_schema_but_no_speakers_says_every_side_is_unknown(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "One."}, manifest_for("a.txt"))
    (corpus / "schema.toml").write_bytes((SEEDS / "schema.toml").read_bytes())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opened = Corpus.open(corpus)
    [message] = [str(w.message) for w in caught if issubclass(w.category, StoryFileWarning)]
    assert "no speakers.csv" in message and "unknown" in message
    assert not opened.shipped_story and opened.speakers.entries == {}


def test_an_opened_corpus_reads_its_manifest_once_and_its_articles_only_when_asked(tmp_path, monkeypatch):
    import stance.corpus as corpus_module

    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "One.", "b.txt": "Two."}, manifest_for("a.txt", "b.txt"))
    reads = []
    original = corpus_module.read_text_file
    monkeypatch.setattr(corpus_module, "read_text_file", lambda path: reads.append(path.name) or original(path))
    opened = Corpus.open(corpus)
    (corpus / "sources.csv").unlink()  # anything read later comes from the opened object
    assert reads == [] and [d["source"] for d in opened.all_details()] == ["src-0", "src-1"]
    assert opened.article("b.txt").source == "src-1" and reads == ["b.txt"]


def test_an_opened_corpus_survives_pickling_for_the_workers_of_a_distributed_run():
    import pickle

    opened = Corpus.open(SEEDS)
    again = pickle.loads(pickle.dumps(opened))
    assert again.files == opened.files and again.article(opened.files[0]) == opened.article(opened.files[0])
    assert again.speakers.entries == opened.speakers.entries


def test_fully_listed_corpus_gives_no_warning(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": "One."}, manifest_for("a.txt"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        articles = read_corpus(corpus)
    assert [article.source for article in articles] == ["src-0"]


# -- decoding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, text",
    [
        (b"\xef\xbb\xbfSeoul said no.\n", "Seoul said no.\n"),
        (b"Line one.\r\nLine two.\r\n", "Line one.\nLine two.\n"),
        (b"Old Mac.\rLine two.", "Old Mac.\nLine two."),
        ("Seoul\u2019s \u201cwhite list\u201d".encode(), "Seoul\u2019s \u201cwhite list\u201d"),
    ],
    ids=["bom", "crlf", "cr", "curly-quotes"],
)
def test_utf8_with_bom_and_any_line_ending_reads_as_plain_text(tmp_path, raw, text):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    assert read_text_file(path) == text
