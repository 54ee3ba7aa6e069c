"""Where the command's text goes: standard output, standard error, or a file named with ``-o``.

This is the output boundary. Every console escapes the control characters of what it prints
(``report.console``), and every text written goes through ``escape_controls`` once. Writing a
file never overwrites one without ``--force``, never writes through a device or a FIFO, and
goes to a temporary file that replaces the target only when it is complete, so a full disk
leaves no half-written report behind.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from aftershock.errors import InputError, Problem
from aftershock.escaping import escape_controls
from aftershock.report.console import safe_console

EXIT_POLICY = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


def stdout() -> Console:
    """Return a console on standard output (120 columns when it is not a terminal)."""
    width = None if sys.stdout.isatty() else 120
    return safe_console(Console(highlight=False, soft_wrap=False, width=width))


def stderr() -> Console:
    """Return a console on standard error; one problem stays one line for grep, CI logs and
    editors."""
    return safe_console(Console(stderr=True, highlight=False, soft_wrap=True))


def bad_input(error: InputError) -> NoReturn:
    """Print each problem of ``error`` on standard error and exit with code 2. A message may
    quote a value from the input: credentials in it are withheld, as in imported models."""
    from rich.markup import escape

    from aftershock.importers.secrets import redact

    err = stderr()
    for problem in error.problems:
        err.print(f"[bold red]error:[/] {escape(redact(problem.render()))}")
    raise typer.Exit(EXIT_INPUT)


def write(text: str, output: Path | None, force: bool) -> None:
    """Write ``text`` (control characters escaped) to standard output, or to the file
    ``output``. Exits 2, saying why, when the file exists (without ``force``), is a folder or a
    special file, sits in a folder that does not exist, or cannot be written."""
    text = escape_controls(text)
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:
            _refuse(output, f"cannot write to standard output: {exc.strerror or exc}", None)
        return
    _check_target(output, force)
    folder = output.parent if str(output.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{output.name[:64]}.", suffix=".tmp"
        )
    except OSError as exc:
        _refuse(output, f"cannot write in {str(folder)!r}: {exc.strerror or exc}", None)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, output)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        _refuse(
            output,
            f"cannot write it: {exc.strerror or exc}",
            "check the free space and permissions",
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(output: Path, force: bool) -> None:
    try:
        info = os.stat(output)
    except FileNotFoundError:
        folder = output.parent if str(output.parent) else Path(".")
        if not os.path.isdir(folder):
            _refuse(
                output,
                f"the folder {str(folder)!r} does not exist",
                "create the folder first, or write somewhere else",
            )
        return
    except (OSError, ValueError) as exc:
        _refuse(output, f"cannot write it: {getattr(exc, 'strerror', None) or exc}", None)
    if stat.S_ISDIR(info.st_mode):
        _refuse(output, "is a folder", "name a file to write, e.g. -o report.html")
    if not stat.S_ISREG(info.st_mode):
        _refuse(output, "is not a regular file (a device, FIFO or socket)", "name a regular file")
    if not force:
        _refuse(
            output,
            "exists; not overwriting it",
            "choose another path or pass --force to replace it",
        )


def _refuse(output: Path | None, message: str, hint: str | None) -> NoReturn:
    name = str(output) if output is not None else None
    bad_input(InputError(Problem(message, file=name, hint=hint or "write somewhere else")))
