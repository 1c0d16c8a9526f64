"""The codebook lives in the project, and nothing points outside the repository for it."""
from pathlib import Path

from stance.session import KEY_HELP

ROOT = Path(__file__).resolve().parent.parent


def test_codebook_is_in_the_repository_and_defines_the_labels() -> None:
    text = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    for label in ("pro_extension", "blames_seoul", "blames_tokyo", "blames_us"):
        assert label in text


def test_annotate_key_help_points_to_the_codebook() -> None:
    assert "docs/CODEBOOK.md" in KEY_HELP
    assert (ROOT / "docs" / "CODEBOOK.md").is_file()


def test_nothing_points_outside_the_repository() -> None:
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "stance").rglob("*.py"),
             *(ROOT / "stance" / "templates").iterdir()]
    offenders = [str(f) for f in files if f.is_file() and "../shared" in f.read_text(encoding="utf-8")]
    assert offenders == []
