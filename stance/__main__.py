"""``python -m stance``: the same command line as the ``stance`` script."""

from stance.cli import app

app(prog_name="stance")
