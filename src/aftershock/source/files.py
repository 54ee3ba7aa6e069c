"""Files as an input may name them: regular files only, read in bounded memory, decoded as UTF-8,
and confined to the input's root folder.

A path on the command line is the user's choice and is read wherever it is. A path an input
names (a nested stack's ``TemplateURL``, compose's ``env_file``, a file found in a folder) is
someone else's choice: it is followed only to a regular file inside the root, never through
``..``, an absolute path or a symbolic link out of it. FIFOs and devices are refused before they
are opened, so ``/dev/zero`` is not read until memory runs out and a FIFO does not hang.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aftershock.errors import InputError, Problem
from aftershock.source.limits import LIMITS

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


def _path_problem(exc: OSError | ValueError, name: str, missing_hint: str | None) -> Problem:
    """Return the problem a failed stat or open of ``name`` means, in words."""
    if isinstance(exc, ValueError):  # a NUL byte in the path
        return Problem("the path holds a NUL byte", file=name, hint="check the path")
    code = exc.errno
    if code == errno.ENOENT:
        if os.path.lexists(name):
            return Problem(
                "a broken symbolic link: what it points to does not exist",
                file=name,
                hint="fix the link, or name the file it should point to",
            )
        return Problem(
            f"file not found: {name!r}", file=name, hint=missing_hint or "check the path"
        )
    if code == errno.ELOOP:
        return Problem(
            "a symbolic link loop: the link leads back to itself",
            file=name,
            hint="fix the links, or name the real file",
        )
    if code == errno.ENAMETOOLONG:
        return Problem(
            "the path is too long for this system", file=name, hint="use a shorter path or name"
        )
    if code == errno.ENOTDIR:
        return Problem("a part of the path is not a folder", file=name, hint="check the path")
    if code in (errno.EACCES, errno.EPERM):
        return Problem("permission denied", file=name, hint="check the file's permissions")
    return Problem(f"cannot read it: {exc.strerror or exc}", file=name, hint="check the path")


def read_bytes(
    path: str | os.PathLike[str],
    error: type[InputError],
    *,
    label: str | None = None,
    limit: int = LIMITS.yaml_bytes,
    what: str = "file",
    missing_hint: str | None = None,
) -> bytes:
    """Return the bytes of the regular file ``path`` (named ``label`` in messages).

    Raises ``error`` for a missing path, a directory, a FIFO, device or socket, a file over
    ``limit`` bytes, or one that cannot be read (``/proc/self/mem``). Never reads more than
    ``limit`` + 1 bytes, even from a file whose size the system does not know."""
    name = label or os.fspath(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        raise error(_path_problem(exc, name, missing_hint)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise error(Problem(f"is a directory, not a {what}", file=name, hint=f"name a {what}"))
    _check_regular(info, name, error)
    _check_size(info.st_size, limit, name, error)
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise error(_path_problem(exc, name, missing_hint)) from exc
    try:
        _check_regular(os.fstat(handle), name, error)  # it may have changed since the stat
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(
            Problem(
                f"cannot read it: {exc.strerror or exc}",
                file=name,
                hint=f"name a regular {what}; special files such as /proc/self/mem cannot be read",
            )
        ) from exc
    finally:
        os.close(handle)
    _check_size(size, limit, name, error)
    return b"".join(chunks)


def _check_regular(info: os.stat_result, name: str, error: type[InputError]) -> None:
    kind = _KINDS.get(stat.S_IFMT(info.st_mode))
    if kind is not None:
        raise error(
            Problem(
                f"not a regular file: {name!r} is {kind}",
                file=name,
                hint="save the input to a regular file and name that; aftershock does not read "
                "pipes or devices",
            )
        )


def _check_size(size: int, limit: int, name: str, error: type[InputError]) -> None:
    if size > limit:
        raise error(
            Problem(
                f"the file is {size:,} bytes or more, over the limit of {limit:,} bytes",
                file=name,
                hint="split the input into smaller files, or remove generated bulk",
            )
        )


def decode(
    raw: bytes,
    name: str,
    error: type[InputError],
    *,
    binary_hint: str = "pass a UTF-8 text file, not an archive or binary",
) -> str:
    """Return ``raw`` decoded as UTF-8 (a BOM is dropped). Raises ``error`` naming the line and
    column of a NUL byte (anywhere in the file) or of the first byte that is not UTF-8."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        raise error(
            Problem(
                f"not a text file (NUL byte at offset {nul})",
                file=name,
                line=line,
                column=column,
                hint=binary_hint,
            )
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise error(
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                file=name,
                line=line,
                column=column,
                hint="save the file as UTF-8",
            )
        ) from exc


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of byte ``offset``."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - start + 1


def read_text(
    path: str | os.PathLike[str],
    error: type[InputError],
    *,
    label: str | None = None,
    limit: int = LIMITS.yaml_bytes,
    what: str = "file",
    missing_hint: str | None = None,
    binary_hint: str = "pass a UTF-8 text file, not an archive or binary",
) -> str:
    """Return the UTF-8 text of the regular file ``path``; see ``read_bytes`` and ``decode``."""
    name = label or os.fspath(path)
    raw = read_bytes(path, error, label=name, limit=limit, what=what, missing_hint=missing_hint)
    return decode(raw, name, error, binary_hint=binary_hint)


def is_blank(text: str) -> bool:
    """Return whether ``text`` holds nothing but whitespace and ``#`` comments (in constant
    memory: 50 MB of blank lines are not split into a list)."""
    position, end = 0, len(text)
    while position < end:
        newline = text.find("\n", position)
        stop = end if newline < 0 else newline
        line = text[position:stop]
        content = line.split("#", 1)[0]
        if content.strip():
            return False
        position = stop + 1
    return True


@dataclass(frozen=True)
class Root:
    """The folder an input's references must stay inside: the input's own folder, or a wider
    one the user names."""

    folder: Path
    """The root with every symbolic link resolved."""
    named: Path
    """The root as the user's path names it (its links not resolved)."""

    @classmethod
    def of(cls, path: Path, override: Path | None = None) -> Root:
        """Return the root of input ``path``: ``override`` when given, else the folder itself
        or the folder that holds the file."""
        chosen = override if override is not None else path if os.path.isdir(path) else path.parent
        chosen = chosen or Path(".")
        return cls(Path(os.path.realpath(chosen)), chosen)

    def holds(self, path: Path) -> bool:
        """Return whether ``path``, with every symbolic link followed, is inside the root."""
        real = Path(os.path.realpath(path))
        return real == self.folder or self.folder in real.parents

    def resolve(self, reference: str, base: Path) -> Path | str:
        """Return the regular file ``reference`` names, relative to folder ``base``; or, when it
        is not followed, why not (in words, for a note or an error). ``..`` may move within the
        root, never out of it; neither may a symbolic link or an absolute path."""
        if not reference or "\x00" in reference:
            return "an empty or malformed path"
        if urlsplit(reference).scheme not in ("", *_DRIVE_LETTERS):
            return "a URL (aftershock fetches nothing)"
        absolute = os.path.isabs(reference)
        candidate = Path(os.path.normpath(reference if absolute else base / reference))
        if not self._lexically_inside(candidate):
            if absolute:
                return f"an absolute path outside the input's folder {self.folder}"
            return f"it goes up out of the input's folder {self.folder} with '..'"
        if not self.holds(candidate):
            return f"a symbolic link out of the input's folder {self.folder}"
        try:
            info = os.stat(candidate)
        except (OSError, ValueError):
            return "not there"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        return candidate

    def _lexically_inside(self, path: Path) -> bool:
        """Return whether ``path`` (normalised, links not followed) names a place in the root;
        a relative base is taken from the working folder, as the input's path was."""
        full = Path(os.path.abspath(path))
        for folder in dict.fromkeys((self.folder, Path(os.path.abspath(self.named)))):
            if full == folder or folder in full.parents:
                return True
        return False


_DRIVE_LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
"""``c:\\x`` parses as a URL of scheme ``c``; it is a path (and absolute, so it is refused)."""


def _walk(folder: Path, error: type[InputError]) -> list[Path]:
    """Return what is under ``folder``; raise ``error`` past the limit on entries."""
    found = []
    for count, entry in enumerate(folder.rglob("*"), 1):
        if count > LIMITS.folder_entries:
            raise error(
                Problem(
                    f"more than {LIMITS.folder_entries:,} files and folders under it",
                    file=str(folder),
                    hint="name the folder that holds the input files, or the files themselves",
                )
            )
        found.append(entry)
    return found


def input_files(
    paths: Sequence[Path],
    suffixes: Iterable[str],
    what: str,
    error: type[InputError],
    *,
    root: Path | None = None,
) -> list[Path]:
    """Return ``paths`` with each folder replaced by the regular files under it whose names end
    in one of ``suffixes`` (sorted; hidden files and folders skipped). Raises ``error`` for a
    missing path, for a file under a folder that leads out of the folder (or out of ``root``)
    through a symbolic link, or when nothing is left to read (``what`` names what was looked
    for)."""
    wanted = tuple(s.lower() for s in suffixes)
    found: list[Path] = []
    for path in paths:
        if not os.path.isdir(path):
            if not os.path.lexists(path):
                raise error(_path_problem(FileNotFoundError(errno.ENOENT, ""), str(path), None))
            found.append(path)
            continue
        folder = Root.of(path, root)
        for file in sorted(_walk(path, error)):
            if any(part.startswith(".") for part in file.relative_to(path).parts):
                continue
            if not file.name.lower().endswith(wanted) or not os.path.isfile(file):
                continue
            if not folder.holds(file):
                raise error(
                    Problem(
                        f"a symbolic link out of the folder {str(folder.folder)!r}: not read",
                        file=str(file),
                        hint="remove the link, name the file it points to as an input, or "
                        "allow a wider folder with --root",
                    )
                )
            found.append(file)
    if not found:
        where = ", ".join(str(p) for p in paths) or "(no paths given)"
        raise error(
            Problem(
                f"no {what} found in {where}",
                value=where,
                hint=f"name the files, or a folder holding {' or '.join(wanted)} files",
            )
        )
    return found
