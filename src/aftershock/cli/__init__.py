"""The ``aftershock`` command: a thin typer layer over the library."""

from aftershock.cli.app import app, main

__all__ = ["app", "main"]
