"""Read an importer's YAML (or JSON) input: every document, with the line of every value.

The reading itself (file kinds, size, characters, nesting, alias expansion, the core schema,
merge keys) is the shared reader's (``aftershock.source``); this module binds it to the
importers' error class and adds the small helpers importers share for located data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aftershock.errors import ImportInputError, Problem
from aftershock.source import LIMITS, Document, Mapping, Reading, Sequence, Tagged, load_documents
from aftershock.source import read_text as read_source

__all__ = [
    "Document",
    "Mapping",
    "Sequence",
    "Tagged",
    "as_list",
    "as_map",
    "dig",
    "fail",
    "kind_of",
    "parse_documents",
    "read_documents",
    "read_text",
]


def fail(message: str, file: str | None, line: int | None = None, **extra: Any) -> ImportInputError:
    """Return the ImportInputError for one problem (raise it)."""
    return ImportInputError(Problem(message, file=file, line=line, **extra))


def dig(value: Any, *path: str) -> Any:
    """Return the value at ``path`` of nested mappings; None when a step is missing or is
    no mapping (``metadata: null``, a list where a mapping belongs)."""
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def as_map(value: object) -> dict[str, Any]:
    """Return ``value`` if it is a mapping, else an empty one: an optional part of an input
    written with the wrong type is read as absent (a Jaeger span's ``logs: 7``)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """Return ``value`` if it is a list, else an empty one (see ``as_map``)."""
    return value if isinstance(value, list) else []


def kind_of(value: object) -> str:
    """Return what a YAML value is, in words: a list, a mapping, text, a number, empty."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return "text" if isinstance(value, str) else f"the value {value!r}"


def read_text(path: Path, label: str, *, limit: int = LIMITS.yaml_bytes) -> str:
    """Return the text of input ``path`` (empty allowed), named ``label`` in messages."""
    return read_source(
        path,
        ImportInputError,
        label=label,
        limit=limit,
        binary_hint="pass a YAML or JSON file, not an archive or binary",
    )


def read_documents(path: Path, label: str, *, tags: frozenset[str] = frozenset()) -> list[Document]:
    """Return the non-empty documents of the YAML (or JSON) file ``path``.

    ``tags`` are custom tags to keep as ``Tagged`` values; any other tag is an error. Raises
    ImportInputError naming the file and line of a syntax error, a duplicate key, a
    self-referential alias or a value over a limit."""
    text = read_text(path, label)
    return parse_documents(text, label, tags=tags, json=path.suffix.lower() == ".json")


def parse_documents(
    text: str, label: str, *, tags: frozenset[str] = frozenset(), json: bool = False
) -> list[Document]:
    """Return the non-empty documents of YAML ``text`` (JSON too, with ``json``); see
    read_documents."""

    def tagged(tag: str, value: Any, line: int) -> Tagged:
        if tag not in tags:
            raise fail(f"unsupported YAML tag {tag!r}", label, line, value=tag, hint="remove it")
        return Tagged(tag, value, line)

    template = "{{" in text
    reading = Reading(
        label,
        ImportInputError,
        tags=tagged,
        tag_hint="remove the tag",
        syntax_hint="render templates first (helm template, kustomize build) and pass the output"
        if template
        else "fix the YAML at that line (indentation, a missing ':' or an unclosed quote)",
    )
    return load_documents(text, reading, json_fallback=json)
