"""Backstage catalog files (catalog-info.yaml) to a model.

Components (but not libraries, which run inside their users) and Resources become components;
``spec.dependsOn`` and ``spec.dependencyOf`` are dependencies; a component consuming an API
depends on the components providing it. Systems and Domains are groupings: they become notes.
Websites are entries, and so is a service nothing depends on that provides an API no one in
the catalog consumes (it is used from outside). ``spec.owner``, ``spec.lifecycle`` and
``spec.system`` become comments. People, templates and locations are skipped with a note.
Entity references follow https://backstage.io/docs/features/software-catalog/references:
``[kind:][namespace/]name``, the kind defaulting by field (``api`` for the API fields); a
``dependsOn`` reference has no default kind, so a bare name is resolved by name.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aftershock.importers import ImportOptions
from aftershock.importers.backstage_catalog import (
    MODELLED,
    PEOPLE_AND_FILES,
    Catalog,
    Entity,
    Key,
    entity_type,
    modelled,
    read_catalog,
)
from aftershock.importers.draft import Draft, clean_name
from aftershock.importers.secrets import looks_secret

_REF = re.compile(r"^(?:(?P<kind>[A-Za-z][\w-]*):)?(?:(?P<namespace>[\w.-]+)/)?(?P<name>[\w.-]+)$")
REF_HINT = "write [kind:][namespace/]name, e.g. resource:default/orders-db"
_RESOURCE_KINDS = (
    ("cache", ("cache", "redis", "memcache", "valkey")),
    ("storage", ("bucket", "s3", "storage", "blob", "gcs", "filesystem", "volume", "file")),
    ("queue", ("queue", "topic", "kafka", "pubsub", "sqs", "sns", "stream", "broker", "rabbit")),
    (
        "datastore",
        ("database", "db", "sql", "postgres", "mysql", "mongo", "dynamo", "bigtable", "table"),
    ),
    ("dns", ("dns", "route53")),
    ("cdn", ("cdn", "cloudfront")),
    ("auth", ("auth", "identity", "idp", "oauth", "sso", "iam")),
)
_JOB_TYPES = ("job", "cronjob", "cron", "batch", "pipeline", "data-pipeline")


@dataclass(frozen=True)
class Ref:
    """An entity reference as written, and the entity it names."""

    key: Key
    text: str
    at: str
    """``file:line`` of the reference."""
    by_name: bool = False
    """Written without a kind where the field has no default: resolved by name."""


def read(inputs: Sequence[Path], options: ImportOptions) -> Draft:
    """Return a draft of the Backstage catalog files ``inputs`` (folders are searched for
    .yaml/.yml files holding Backstage entities). Raises ImportInputError for malformed YAML,
    malformed entities, a file with no entities, or a catalog with nothing to model."""
    catalog = read_catalog(inputs)
    return _Drafting(catalog, options.name or _name(catalog, inputs)).draft


def _name(catalog: Catalog, inputs: Sequence[Path]) -> str:
    systems = catalog.of("system")
    if len(systems) == 1:
        return clean_name(systems[0].name)
    first = inputs[0].resolve()
    stem = first.name if os.path.isdir(first) else first.stem
    if stem.startswith("catalog-info") and not os.path.isdir(first):
        stem = first.parent.name
    return clean_name(stem)


def resource_kind(kind_type: str) -> str | None:
    """Return the model kind of a Resource ``spec.type`` (None when it says nothing)."""
    words = [w for w in re.split(r"[^a-z0-9]+", kind_type.lower()) if w]
    for kind, markers in _RESOURCE_KINDS:
        if any(w == m or (len(m) > 4 and m in w) for w in words for m in markers):
            return kind
    return None


class _Drafting:
    """One pass over a catalog, filling a draft."""

    def __init__(self, catalog: Catalog, name: str) -> None:
        self.catalog = catalog
        self.draft = Draft(name=name)
        self.labels = _labels(catalog)
        self.providers: dict[Key, list[Entity]] = {}
        self.consumed: set[Key] = set()
        self.libraries: dict[Key, Entity] = {}
        self.dropped: list[str] = []
        self._sources()
        self._apis()
        for entity in catalog.entities.values():
            if modelled(entity):
                self._part(entity)
            elif entity.kind.lower() == "component":
                self.libraries[entity.key] = entity
        for entity in catalog.entities.values():
            if modelled(entity):
                self._dependencies(entity)
        self._entries()
        self._notes()

    # -- reading ---------------------------------------------------------------------------

    def _refs(self, entity: Entity, field_name: str, default_kind: str | None) -> list[Ref]:
        """Return the references in ``spec.<field_name>`` (kind '' when missing and unknown)."""
        raw = entity.spec.get(field_name) or []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            entity.fail(
                f"{entity.ref}: spec.{field_name} must be a list of entity references",
                "spec",
                field_name,
                value=raw,
                hint=REF_HINT,
            )
        keys = []
        for index, item in enumerate(raw):
            found = _REF.match(item.strip()) if isinstance(item, str) else None
            if found is None:
                entity.fail(
                    f"{entity.ref}: {item!r} in spec.{field_name} is not an entity reference",
                    "spec",
                    field_name,
                    index,
                    value=item,
                    hint=REF_HINT,
                )
            kind = (found["kind"] or default_kind or "").lower()
            namespace = (found["namespace"] or entity.namespace).lower()
            where = entity.at("spec", field_name, index)
            keys.append(self._resolve(Ref((kind, namespace, found["name"].lower()), item, where)))
        return keys

    def _resolve(self, ref: Ref) -> Ref:
        """A reference without a kind (dependsOn has no default) is resolved by name."""
        kind, namespace, name = ref.key
        if kind:
            return ref
        for guess in MODELLED:
            if (guess, namespace, name) in self.catalog.entities:
                return Ref((guess, namespace, name), ref.text, ref.at, by_name=True)
        return ref

    def _apis(self) -> None:
        for entity in self.catalog.of("component"):
            for api in self._refs(entity, "providesApis", "api"):
                self.providers.setdefault(api.key, []).append(entity)
            self.consumed.update(api.key for api in self._refs(entity, "consumesApis", "api"))

    # -- writing ---------------------------------------------------------------------------

    def _sources(self) -> None:
        files = Counter(str(e.file) for e in self.catalog.entities.values())
        for file, count in files.items():
            self.draft.sources.append(f"backstage: {file} ({count} entities)")

    def _label(self, key: Key) -> str:
        return self.labels.get(key) or clean_name(key[2])

    def _part(self, entity: Entity) -> None:
        kind_type = entity_type(entity)
        if entity.kind.lower() == "resource":
            kind = resource_kind(kind_type) or "service"
        else:
            kind = "job" if kind_type in _JOB_TYPES else "service"
        label = self.labels[entity.key]
        why = f"{entity.kind} {entity.ref}, type {kind_type or 'unset'} ({entity.at()})"
        description = entity.metadata.get("description")
        part = self.draft.part(label, why, kind=kind)
        if isinstance(description, str) and description.strip():
            if looks_secret("description", description):
                self.draft.secret(description)
                part.note("metadata.description withheld: it looks like a credential")
            else:
                part.description = " ".join(description.split())
        if entity.kind.lower() == "resource" and kind == "service":
            part.note(f"resource type {kind_type or 'unset'!r}: kind guessed as service; set it")
        said = [
            f"{key} {entity.spec[key].strip()}"
            for key in ("owner", "lifecycle", "system", "subcomponentOf")
            if isinstance(entity.spec.get(key), str) and entity.spec[key].strip()
        ]
        if said:
            part.note("Backstage: " + ", ".join(said))
        if kind_type == "website":
            self.draft.entry(label, f"a website ({entity.at('spec', 'type')})")

    def _dependencies(self, entity: Entity) -> None:
        label = self.labels[entity.key]
        for target in self._refs(entity, "dependsOn", None):
            self._depend(entity, label, target, "dependsOn")
        for source in self._refs(entity, "dependencyOf", None):
            if source.key in self.labels:
                self.draft.depend(
                    self.labels[source.key],
                    label,
                    f"{entity.ref} has spec.dependencyOf {source.text} ({source.at})",
                )
        if entity.kind.lower() == "component":
            for api in self._refs(entity, "consumesApis", "api"):
                self._consume(label, api)

    def _depend(self, entity: Entity, label: str, target: Ref, field_name: str) -> None:
        kind, _, name = target.key
        if kind == "api":
            self._consume(label, target)
        elif target.key in self.libraries:
            self.dropped.append(f"{label} -> library {name}")
        elif kind in ("", *MODELLED):
            why = f"spec.{field_name} {target.text} ({target.at})"
            if target.by_name:
                why += f"; no kind: read as the {kind} of that name (Backstage needs {kind}:)"
            elif target.key not in self.labels:
                why += "; not in the input" + ("; the reference has no kind" if not kind else "")
            self.draft.depend(label, self._label(target.key), why)
        else:
            self.dropped.append(f"{label} -> {kind} {name} (not a running component)")

    def _consume(self, label: str, ref: Ref) -> None:
        api, where = ref.key, ref.at
        providers = self.providers.get(api, [])
        for provider in providers:
            if provider.key in self.labels:
                self.draft.depend(
                    label,
                    self.labels[provider.key],
                    f"consumes API {api[2]}, provided by {provider.ref} ({where})",
                )
        if providers:
            if len(providers) > 1:
                self.draft.parts[label].note(
                    f"API {api[2]} has {len(providers)} providers; it depends on each here: "
                    "if any one of them is enough, keep the one it uses"
                )
            return
        known = self.catalog.entities.get(api)
        if known is not None:
            description = known.metadata.get("description")
            part = self.draft.part(
                self._label(api),
                f"API {known.ref} ({known.at()}), no provider",
                kind="external",
                description=" ".join(description.split())
                if isinstance(description, str) and not looks_secret("description", description)
                else None,
            )
            part.note(
                "no Component in the catalog provides this API: a third party, or its provider "
                "is missing from the input"
            )
        self.draft.depend(label, self._label(api), f"consumes API {api[2]} ({where})")

    def _entries(self) -> None:
        depended = {dst for part in self.draft.parts.values() for dst in part.depends}
        for entity in self.catalog.of("component"):
            label = self.labels.get(entity.key)
            if label is None or label in depended or entity_type(entity) == "website":
                continue
            refs = self._refs(entity, "providesApis", "api")
            public = [api.text for api in refs if api.key not in self.consumed]
            if public:
                names = ", ".join(public)
                self.draft.entry(
                    label, f"provides API {names}, consumed by no one in the catalog: used outside"
                )

    def _notes(self) -> None:
        members: dict[str, list[str]] = {}
        for entity in self.catalog.entities.values():
            system = _short(entity.spec.get("system"))
            if entity.key in self.labels and modelled(entity) and system:
                members.setdefault(system, []).append(self.labels[entity.key])
        for group in self.catalog.of("system"):
            text = f"system {group.name} ({group.at()})"
            description = group.metadata.get("description")
            if isinstance(description, str) and not looks_secret("description", description):
                text += f": {' '.join(description.split()).rstrip('.')}"
            parts = sorted(members.pop(group.name.lower(), []))
            self.draft.note(text + (f"; components {', '.join(parts)}" if parts else ""))
        for name, parts in sorted(members.items()):
            self.draft.note(f"system {name} (not in the input): components {', '.join(parts)}")
        for domain in self.catalog.of("domain"):
            systems = [
                s.name
                for s in self.catalog.of("system")
                if _short(s.spec.get("domain")) == domain.name.lower()
            ]
            self.draft.note(
                f"domain {domain.name} ({domain.at()}): systems {', '.join(systems) or 'none'}"
            )
        if self.libraries:
            names = ", ".join(sorted(e.name for e in self.libraries.values()))
            self.draft.note(f"libraries run inside their users, not on their own: {names}")
        if self.dropped:
            self.draft.note("dependencies not modelled: " + "; ".join(self.dropped))
        people = {k: n for k, n in self.catalog.skipped.items() if k.lower() in PEOPLE_AND_FILES}
        if people:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(people.items()))
            self.draft.note(f"skipped {kinds} entities: people, templates and files, not software")
        other = {k: n for k, n in self.catalog.skipped.items() if k not in people}
        if other:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(other.items()))
            self.draft.note(f"skipped {kinds} entities: kinds aftershock does not read")
        if any(k.lower() == "location" for k in people):
            self.draft.note("Location targets are not followed: pass those files or their folder")
        if self.catalog.foreign:
            self.draft.note(f"skipped {self.catalog.foreign} documents that are not Backstage ones")


def _short(ref: object) -> str:
    """Return the lower-case name in an entity reference (``system:default/shop`` -> shop)."""
    return str(ref).rsplit("/", 1)[-1].rsplit(":", 1)[-1].strip().lower() if ref else ""


def _labels(catalog: Catalog) -> dict[Key, str]:
    """Return model names for the modelled entities: the entity name, unless two share it."""
    named = [e for e in catalog.entities.values() if modelled(e)] + catalog.of("api")
    seen = Counter(clean_name(e.name).lower() for e in named)
    labels = {}
    for entity in named:
        label = clean_name(entity.name)
        if seen[label.lower()] > 1:
            prefix = "" if entity.namespace.lower() == "default" else f"{entity.namespace}-"
            label = clean_name(f"{prefix}{entity.name}-{entity.kind.lower()}")
        labels[entity.key] = label
    return labels
