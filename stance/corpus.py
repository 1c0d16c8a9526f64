"""Open a corpus folder once: its articles, manifest, schema, speakers and hand labels.

A corpus is any folder laid out like ``seeds/``: one ``.txt`` article per file, a
``sources.csv`` manifest naming each file's source id, outlet, date and headline, and
the story files (``schema.toml``, ``speakers.csv``) and hand labels (``labels.csv``)
that may sit beside them. :class:`Corpus` reads the small files when it is opened and
the articles only when asked, one at a time, so every later stage works from one
object and a corpus of thousands of articles is never held in memory at once.

What is missing is said once, with what stands in for it: an article the manifest does
not list counts under its file stem, a folder without a schema is read with the shipped
story's, one without speakers has every speaker's side unknown.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from stance.attribution import SpeakerTable
from stance.errors import InputDataError
from stance.schema import Schema
from stance.story_files import find_schema, find_speakers
from stance.textfiles import read_csv_records, read_text_file

MANIFEST_NAME = "sources.csv"
MANIFEST_COLUMNS = ("file", "source", "outlet", "published", "headline")
LABELS_NAME = "labels.csv"
SHIPPED_CORPUS_NAME = "the shipped seed corpus"
SEED_FOLDERS = (Path(__file__).resolve().parent / "seeds", Path(__file__).resolve().parent.parent / "seeds")
"""The shipped seed corpus: inside an installed package, or at the top of a checkout."""
LISTED_BY_NAME = 5
"""How many unlisted articles a warning names before it says 'and N more'."""


class CorpusWarning(UserWarning):
    """Something about the corpus is odd but not fatal (articles without a manifest row)."""


ARTICLES_PER_BATCH = 200
"""Articles classified and counted at a time by a report: enough that the per-batch work costs
little, few enough that a batch's sentence table stays small."""

@dataclass(frozen=True)
class Article:
    """One article's raw text and what the manifest says about it."""

    file: str
    source: str
    outlet: str
    published: str
    headline: str
    text: str


def read_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """Return the manifest rows keyed by file name; an absent manifest is an empty one."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.exists():
        return {}
    header, records = read_csv_records(path)
    missing = [name for name in MANIFEST_COLUMNS if name not in header]
    if missing:
        raise InputDataError(
            f"missing column(s) {', '.join(missing)} (required: {', '.join(MANIFEST_COLUMNS)})",
            path=path,
        )
    rows: dict[str, dict[str, str]] = {}
    for line, fields in records:
        row = dict(zip(header, (field.strip() for field in fields)))
        file_name = row.get("file", "")
        if not file_name:
            raise InputDataError("empty 'file' value", path=path, line=line)
        if file_name in rows:
            raise InputDataError(f"lists {file_name!r} twice; each article needs one row", path=path, line=line)
        rows[file_name] = row
    return rows


def _article_files(corpus_dir: Path) -> list[str]:
    if not corpus_dir.is_dir():
        raise InputDataError("is not a folder (a corpus is a folder of .txt articles)", path=corpus_dir)
    files = sorted(path.name for path in corpus_dir.glob("*.txt"))
    if not files:
        raise InputDataError("holds no .txt article", path=corpus_dir)
    return files


def _read_article(path: Path) -> str:
    text = read_text_file(path)
    if not text.strip():
        raise InputDataError("is empty: an article needs text", path=path)
    return text


def _warn_unlisted(corpus_dir: Path, files: Sequence[str], manifest: Mapping[str, dict[str, str]]) -> None:
    """One warning for all the articles without a manifest row, however many there are."""
    if not manifest:
        warnings.warn(
            f"no {MANIFEST_NAME} in {corpus_dir}: each article's file name stands in for its source id and outlet",
            CorpusWarning,
            stacklevel=3,
        )
        return
    unlisted = [name for name in files if name not in manifest]
    if unlisted:
        named = ", ".join(unlisted[:LISTED_BY_NAME])
        more = f" and {len(unlisted) - LISTED_BY_NAME} more" if len(unlisted) > LISTED_BY_NAME else ""
        warnings.warn(
            f"{len(unlisted)} article(s) not in {MANIFEST_NAME} ({named}{more}): their file names stand in "
            "for their source ids",
            CorpusWarning,
            stacklevel=3,
        )


def _same_as_shipped(folder: Path) -> bool:
    manifest = folder / MANIFEST_NAME
    return manifest.is_file() and any(
        (seeds / MANIFEST_NAME).is_file() and manifest.read_bytes() == (seeds / MANIFEST_NAME).read_bytes()
        for seeds in SEED_FOLDERS
    )


@dataclass(frozen=True)
class Corpus:
    """A corpus folder, opened: the small files read and checked, the articles read on demand.

    It is small and picklable, so a distributed run sends it to its workers whole and
    each worker reads only its own articles.
    """

    folder: Path
    files: tuple[str, ...]
    manifest: Mapping[str, dict[str, str]]
    schema: Schema
    speakers: SpeakerTable
    shipped_story: bool
    """True when the schema is the shipped story's, standing in for one the folder lacks."""

    @classmethod
    def open(cls, folder: Path | str, schema_path: Path | None = None, speakers_path: Path | None = None) -> Corpus:
        """Read the manifest and the story files (given, else beside the articles, else the
        shipped story's) and list the articles, warning once for each thing missing."""
        folder = Path(folder)
        files = _article_files(folder)
        manifest = read_manifest(folder)
        _warn_unlisted(folder, files, manifest)
        schema, shipped_story = find_schema(folder, schema_path)
        speakers = find_speakers(folder, speakers_path, shipped_story)
        return cls(folder, tuple(files), manifest, schema, speakers, shipped_story)

    @property
    def name(self) -> str:
        """'the shipped seed corpus', or the folder's own name: never a path of this machine."""
        if _same_as_shipped(self.folder):
            return SHIPPED_CORPUS_NAME
        return f"the corpus folder “{self.folder.resolve().name}”"

    @property
    def labels_path(self) -> Path | None:
        """The hand labels beside the articles, if there are any."""
        path = self.folder / LABELS_NAME
        return path if path.exists() else None

    def details(self, file_name: str) -> dict[str, str]:
        """What the manifest says of an article file; its file stem stands in for a missing row."""
        stem = Path(file_name).stem
        row = self.manifest.get(file_name) or {}
        return {
            "file": file_name,
            "source": row.get("source") or stem,
            "outlet": row.get("outlet") or row.get("source") or stem,
            "published": row.get("published", ""),
            "headline": row.get("headline", ""),
        }

    def all_details(self) -> list[dict[str, str]]:
        """File, source, outlet, date and headline of every article, in file-name order, without
        reading the articles."""
        return [self.details(name) for name in self.files]

    def only(self, file_names: Sequence[str]) -> Corpus:
        """The same corpus limited to some of its articles: what one partition of a distributed
        run needs, without the manifest rows of all the others."""
        return replace(self, files=tuple(file_names), manifest={name: self.manifest[name] for name in file_names if name in self.manifest})

    def batches(self) -> list[Corpus]:
        """The corpus in batches of :data:`ARTICLES_PER_BATCH` articles, in file order: what a report
        classifies and counts at a time, in one process or on a cluster."""
        size = ARTICLES_PER_BATCH
        return [self.only(self.files[start : start + size]) for start in range(0, len(self.files), size)]

    def article(self, file_name: str) -> Article:
        """One article with its manifest details (a partition of a distributed run)."""
        return Article(**self.details(file_name), text=_read_article(self.folder / file_name))

    def articles(self, check_first: bool = True) -> Iterator[Article]:
        """The articles one at a time, in file-name order.

        With ``check_first`` every file is decoded once before the first article is
        yielded, so a bad file stops the run before any output is written.
        """
        if check_first:
            for name in self.files:
                _read_article(self.folder / name)
        for name in self.files:
            yield self.article(name)
