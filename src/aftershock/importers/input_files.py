"""Find an importer's input files (folders recursed) and read them as text, with errors that
name the file and line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from aftershock.errors import ImportInputError, Problem

MAX_INPUT_BYTES = 512 * 1024 * 1024


def input_files(paths: Sequence[Path], suffixes: Iterable[str], what: str) -> list[Path]:
    """Return ``paths`` with each folder replaced by the files under it whose names end in one
    of ``suffixes`` (sorted, hidden folders skipped). Raises ImportInputError for a missing
    path, or when nothing is left to read (``what`` names what was looked for)."""
    wanted = tuple(s.lower() for s in suffixes)
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name.lower().endswith(wanted)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found.append(path)
        else:
            raise ImportInputError(
                Problem("file not found", file=str(path), value=str(path), hint="check the path")
            )
    if not found:
        where = ", ".join(str(p) for p in paths) or "(no paths given)"
        raise ImportInputError(
            Problem(
                f"no {what} found in {where}",
                value=where,
                hint=f"name the files, or a folder holding {' or '.join(wanted)} files",
            )
        )
    return found


def read_text(path: Path) -> str:
    """Return the UTF-8 text of ``path``. Raises ImportInputError for a binary, non-UTF-8,
    oversized or empty file."""
    name = str(path)
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise ImportInputError(
            Problem(
                f"file is {size} bytes, over the {MAX_INPUT_BYTES} byte limit",
                file=name,
                hint="split the input into smaller files",
            )
        )
    raw = path.read_bytes()
    nul = raw.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise ImportInputError(
            Problem(
                f"not a text file (NUL byte at offset {nul})",
                file=name,
                line=raw[:nul].count(b"\n") + 1,
                hint="pass the exported JSON, YAML or CSV text, not an archive or binary",
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInputError(
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                file=name,
                line=raw[: exc.start].count(b"\n") + 1,
                hint="save the file as UTF-8",
            )
        ) from exc
    if not text.strip():
        raise ImportInputError(
            Problem("the file is empty", file=name, hint="export the data again; nothing to read")
        )
    return text
