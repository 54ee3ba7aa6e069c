"""Read Backstage catalog files: every entity of every document, with the line of each field.

Files named on the command line are read whatever they hold; in a folder, only the YAML files
that mention ``backstage.io/`` are catalog files (a repository's manifests, templates and CI
files are not). Entities of another apiVersion are counted and skipped.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.input_files import input_files
from aftershock.importers.yamldocs import Mapping, parse_documents, read_text
from aftershock.importers.yamldocs import Sequence as Located

MODELLED = ("component", "resource")
GROUPINGS = ("system", "domain")
PEOPLE_AND_FILES = ("group", "user", "template", "location")

Key = tuple[str, str, str]
"""(kind, namespace, name), lower-case: Backstage names are case-insensitive."""


@dataclass
class Entity:
    """One catalog entity and where it was read."""

    kind: str
    namespace: str
    name: str
    metadata: dict[str, Any]
    spec: dict[str, Any]
    file: Path
    node: Mapping
    """The entity as read, with the line of every field."""
    shown: str
    """The file as comments name it: relative to the folder common to all inputs."""

    @property
    def key(self) -> Key:
        """Return the lookup key."""
        return (self.kind.lower(), self.namespace.lower(), self.name.lower())

    @property
    def ref(self) -> str:
        """Return the entity reference, e.g. ``component:default/cart``."""
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"

    def at(self, *keys: str | int) -> str:
        """Return ``file:line`` of the field at ``keys`` (of the entity itself with none)."""
        return f"{self.shown}:{_line(self.node, keys)}"

    def fail(self, message: str, *keys: str | int, value: object, hint: str) -> NoReturn:
        """Raise ImportInputError about the field at ``keys`` of this entity."""
        _fail(message, str(self.file), _line(self.node, keys), value=value, hint=hint)


@dataclass
class Catalog:
    """The entities read, and what was skipped."""

    entities: dict[Key, Entity] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    """Kinds not modelled (Group, User, ...) -> count."""
    foreign: int = 0
    """Documents that are not Backstage entities (another apiVersion)."""

    def of(self, kind: str) -> list[Entity]:
        """Return the entities of ``kind`` (lower-case), in input order."""
        return [e for e in self.entities.values() if e.kind.lower() == kind]


def read_catalog(inputs: Sequence[Path]) -> Catalog:
    """Return the entities of the catalog files ``inputs`` (folders searched for .yaml/.yml
    files holding Backstage entities). Raises ImportInputError for malformed YAML, malformed
    entities, a file with no entities, or a catalog with nothing to model."""
    catalog = Catalog()
    explicit = {p.resolve() for p in inputs if os.path.isfile(p)}
    files = input_files(inputs, (".yaml", ".yml"), "Backstage catalog files (.yaml)")
    unique = {p.resolve(): p for p in reversed(files)}  # each file once, as first named
    texts: dict[Path, str] = {}
    for full in dict.fromkeys(p.resolve() for p in files):
        text = read_text(unique[full], str(unique[full]))
        # a folder's other YAML (manifests, CI) is not a catalog file
        if full in explicit or "backstage.io/" in text:
            texts[unique[full]] = text
    paths = list(texts)
    root = Path(os.path.commonpath([p.resolve().parent for p in paths])) if paths else Path()
    for path in paths:
        _read_file(path, texts[path], catalog, str(path.resolve().relative_to(root)))
    if not paths:
        _fail("no Backstage entities in the folders given", None, None)
    if not any(modelled(e) for e in catalog.entities.values()):
        kinds = catalog.skipped + Counter(e.kind for e in catalog.entities.values())
        found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
        _fail(
            f"nothing to model: no Component or Resource entities (found: {found})",
            str(files[0]) if len(files) == 1 else None,
            None,
        )
    return catalog


def _fail(message: str, file: str | None, line: int | None, **more: Any) -> NoReturn:
    hint = more.pop(
        "hint",
        "a catalog file holds entities: apiVersion: backstage.io/v1alpha1, kind, "
        "metadata.name and spec (https://backstage.io/docs/features/software-catalog/"
        "descriptor-format)",
    )
    raise ImportInputError(Problem(message, file=file, line=line, hint=hint, **more))


def _line(node: object, keys: tuple[str | int, ...] | list[str | int]) -> int:
    """Return the 1-based line of the field at ``keys`` (mapping keys, list indexes), or of
    the deepest one found."""
    line = node.line if isinstance(node, Mapping | Located) else 1
    for key in keys:
        found = (isinstance(node, Located) and isinstance(key, int) and 0 <= key < len(node)) or (
            isinstance(node, Mapping) and isinstance(key, str) and key in node
        )
        if not found:
            break
        assert isinstance(node, Mapping | Located)
        line, node = node.at(key), node[key]  # type: ignore[arg-type,index]
    return line


def _read_file(path: Path, text: str, catalog: Catalog, shown: str) -> None:
    documents = parse_documents(text, str(path))
    count = 0
    for document in documents:
        if document.data is None:
            continue
        count += _entity(document.data, document.line, path, shown, catalog)
    if not count:
        _fail("no Backstage entities in the file", str(path), None)


def _entity(data: object, line: int, path: Path, shown: str, catalog: Catalog) -> int:
    """Add one document's entity to ``catalog``; return 1 if it was a Backstage entity."""
    if not isinstance(data, Mapping):
        _fail("a catalog document must be a mapping (an entity)", str(path), line)
    version = data.get("apiVersion")
    if not (isinstance(version, str) and version.startswith("backstage.io/")):
        catalog.foreign += 1
        return 0
    kind, metadata, spec = data.get("kind"), data.get("metadata"), data.get("spec", {})
    if not isinstance(kind, str) or not kind.strip():
        _fail("an entity without a kind", str(path), line, value=kind)
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name.strip():
        _fail(f"a {kind} entity without metadata.name", str(path), line, value=name)
    assert isinstance(metadata, dict)
    if not isinstance(spec, dict):
        _fail(f"{kind} {name}: spec must be a mapping", str(path), _line(data, ("spec",)))
    namespace = str(metadata.get("namespace") or "default")
    entity = Entity(kind.strip(), namespace, name.strip(), metadata, spec or {}, path, data, shown)
    if entity.kind.lower() not in (*MODELLED, *GROUPINGS, "api"):
        catalog.skipped[entity.kind] += 1
        return 1
    known = catalog.entities.get(entity.key)
    if known is not None:
        _fail(
            f"duplicate entity {entity.ref}; first at {known.file}:{_line(known.node, ())}",
            str(path),
            line,
            value=entity.ref,
            hint="each entity is defined once; remove one, or give it another namespace",
        )
    catalog.entities[entity.key] = entity
    return 1


def modelled(entity: Entity) -> bool:
    kind = entity.kind.lower()
    return kind == "resource" or (kind == "component" and entity_type(entity) != "library")


def entity_type(entity: Entity) -> str:
    return str(entity.spec.get("type") or "").strip().lower()
