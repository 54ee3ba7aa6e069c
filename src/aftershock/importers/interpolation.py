"""compose's variables: env files (``.env``) and ``${VAR}`` interpolation.

Read as ``docker compose`` reads them (https://docs.docker.com/reference/compose-file/interpolation/)
but never from the process environment: an import must give the same model in every shell.
Supported: ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``,
``${VAR?error}``, ``${VAR:+replacement}``, ``${VAR+replacement}`` (defaults interpolated in turn)
and ``$$`` for a literal ``$``. An unset variable is blank, as in compose, and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aftershock.importers.yamldocs import Mapping, Sequence, Tagged, fail, read_text
from aftershock.source import LIMITS

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?", re.DOTALL)
_ENV_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=)?\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class Variable:
    """A variable's value and where it was set."""

    value: str
    file: str
    line: int

    def where(self) -> str:
        """Return ``file:line``."""
        return f"{self.file}:{self.line}"


class _Invalid(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class Interpolator:
    """Substitutes ``variables`` into text; remembers the unset ones it met (name -> where)."""

    variables: dict[str, Variable]
    unset: dict[str, str] = field(default_factory=dict)
    _done: dict[int, tuple[Any, Any]] = field(default_factory=dict, repr=False)

    def text(self, text: str, file: str, line: int) -> str:
        """Return ``text`` interpolated; ImportInputError (at ``file:line``) when it is invalid
        or a required variable is unset."""
        try:
            return self._text(text, f"{file}:{line}")
        except _Invalid as exc:
            raise fail(str(exc), file, line, value=text, hint=exc.hint) from None

    def tree(self, value: Any, file: str, line: int = 1) -> Any:
        """Return a copy of a read YAML value with every string interpolated (keys are not).
        A node shared by YAML aliases is interpolated once and stays shared."""
        if isinstance(value, str):
            return self.text(value, file, line)
        if not isinstance(value, Mapping | Sequence | Tagged):
            return value
        done = self._done.get(id(value))
        if done is None or done[0] is not value:
            done = self._done[id(value)] = (value, self._copy(value, file))
        return done[1]

    def _copy(self, value: Mapping | Sequence | Tagged, file: str) -> Any:
        if isinstance(value, Tagged):
            return Tagged(value.tag, self.tree(value.value, file, value.line), value.line)
        if isinstance(value, Mapping):
            out = Mapping(value.line, dict(value.lines))
            for k, v in value.items():
                out[k] = self.tree(v, file, value.at(k))
            return out
        seq = Sequence(value.line)
        seq.lines = list(value.lines)
        seq.extend(self.tree(v, file, value.at(i)) for i, v in enumerate(value))
        return seq

    def _text(self, text: str, where: str) -> str:
        out: list[str] = []
        i = 0
        while (j := text.find("$", i)) >= 0:
            out.append(text[i:j])
            after = text[j + 1 : j + 2]
            if after == "$":
                out.append("$")
                i = j + 2
            elif after == "{":
                end = _closing(text, j)
                out.append(self._braced(text[j + 2 : end], where))
                i = end + 1
            elif match := _NAME.match(text, j + 1):
                out.append(self._value(match.group(), where) or "")
                i = match.end()
            else:
                raise _Invalid(
                    f"invalid interpolation: {text[j : j + 2]!r} is no variable",
                    "write $$ for a literal '$', or ${NAME} for a variable",
                )
        out.append(text[i:])
        return "".join(out)

    def _value(self, name: str, where: str, *, report: bool = True) -> str | None:
        found = self.variables.get(name)
        if found is None and report:
            self.unset.setdefault(name, where)
        return None if found is None else found.value

    def _braced(self, body: str, where: str) -> str:
        match = _BRACED.fullmatch(body)
        if match is None:
            raise _Invalid(
                f"invalid interpolation ${{{body}}}",
                "use ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error} or "
                "${NAME:+replacement}",
            )
        name, op, arg = match.groups()
        value = self._value(name, where, report=op is None)
        if op is None:
            return value or ""
        empty = op.startswith(":") and value == ""
        if op in (":-", "-"):
            return self._text(arg, where) if value is None or empty else value
        if op in (":+", "+"):
            return "" if value is None or empty else self._text(arg, where)
        if value is None or empty:
            why = self._text(arg, where) or "no message"
            raise _Invalid(
                f"required variable {name} is {'empty' if empty else 'not set'}: {why}",
                f"set {name} in the env file (.env beside the first compose file, or "
                "--env-file); the process environment is not read",
            )
        return value


def _closing(text: str, start: int) -> int:
    """Return the index of the ``}`` closing the ``${`` at ``start`` (nested ones counted)."""
    depth = 0
    i = start
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise _Invalid("invalid interpolation: '${' is never closed", "close it with '}'")


def read_env_file(path: Path, label: str, into: Interpolator) -> None:
    """Add the variables of the env file ``path`` to ``into`` (``KEY=value`` lines,
    ``export``, quotes, ``#`` comments; values interpolated from the variables set before).

    Raises ImportInputError for a missing file or a line that sets nothing."""
    lines = read_text(path, label, limit=LIMITS.env_bytes).splitlines()
    index = 0
    while index < len(lines):
        number, raw = index + 1, lines[index]
        index += 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(raw)
        if match is None or not (match.group(2) or not match.group(3).strip()):
            raise fail(
                "not a KEY=value line",
                label,
                number,
                value=raw.strip(),
                hint="write KEY=value; names are letters, digits and '_'",
            )
        name, equals, rest = match.groups()
        if not equals:
            continue  # `KEY` alone takes the process environment's value: not read here
        quote = rest[:1]
        if quote in ("'", '"'):
            body = rest[1:]
            while quote not in body and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            if quote not in body:
                raise fail(
                    f"unclosed {quote} quote", label, number, hint=f"close the value with {quote}"
                )
            value = body[: body.index(quote)]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
                value = into.text(value, label, number)
        else:
            value = into.text(re.split(r"\s#", rest, maxsplit=1)[0].strip(), label, number)
        into.variables[name] = Variable(value, label, number)
