"""Every error aftershock raises on purpose.

AftershockError
 ├── InputError                 bad input: the user can fix it (exit code 2)
 │    ├── ModelFileError        the file cannot be read (missing, binary, empty)
 │    ├── ModelSyntaxError      not valid YAML, or an alias expansion too large
 │    ├── ModelValidationError  valid YAML, but not a valid model (fields, values, references)
 │    ├── TargetError           a failure target named on the command line does not exist
 │    ├── ScenarioError         a scenario built in code is impossible (also a ValueError)
 │    └── ImportInputError      an importer's input is malformed or of an unsupported kind
 └── CatalogError               the shipped catalog is inconsistent (a bug in aftershock's data)

An InputError carries the file, the line (where there is one), the bad value and a hint, so the
message a user reads names what is wrong and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def quoted(value: object, limit: int = 60) -> str:
    """Return ``repr(value)`` cut to about ``limit`` characters: how a message shows a bad value
    (a 100 KB name is named, not repeated)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class AftershockError(Exception):
    """Root of aftershock's own errors."""


@dataclass
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    value: object = None
    hint: str | None = None
    path: tuple[str | int, ...] = field(default_factory=tuple)

    def location(self) -> str:
        """Return ``file:line:column`` (as much of it as is known)."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """Return the problem as one or two lines of plain text."""
        where = ".".join(str(p) if len(str(p)) <= 60 else str(p)[:57] + "..." for p in self.path)
        text = f"{self.location()}: {self.message}" if self.file else self.message
        if where:
            text += f" (at {where})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(AftershockError):
    """Input the user can fix; carries one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.render() for p in self.problems))


class ModelFileError(InputError):
    """The model file cannot be read: missing, a directory, binary, empty."""


class ModelSyntaxError(InputError):
    """The file is not valid YAML, or expands beyond the allowed size."""


class ModelValidationError(InputError):
    """The YAML is fine but is not a valid aftershock model."""


class TargetError(InputError):
    """A failure target given on the command line does not exist in the model."""


class ScenarioError(InputError, ValueError):
    """A Scenario or Fault built in code is impossible: an empty window, a horizon past 100
    years (a ValueError too, as it was before it was an InputError)."""

    def __init__(self, message: str) -> None:
        super().__init__(Problem(message, hint="faults last from 1ms to 100 years"))


class CatalogError(AftershockError):
    """The shipped catalog data is inconsistent; a bug in aftershock, not in the user's input."""


class ImportInputError(InputError):
    """An importer's input (manifests, compose files, plans, templates, traces) is unusable."""
