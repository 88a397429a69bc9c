"""`python -m xinfang_cli` runs the CLI."""

from xinfang_cli.cli.main import run

run()
