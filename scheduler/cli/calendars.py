"""Calendar commands: check, expand, export, schema, lunar."""

from scheduler.cli import app  # noqa: F401
