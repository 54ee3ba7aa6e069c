"""A model being drafted by an importer: components, dependencies, and where each fact came from.

Importers never build a Graph: they fill a Draft, and ``emit`` (importers/emit.py) writes it as a
model document that passes the same validation as a hand-written one. Every fact carries a
``why`` (the input file, line and what was read) that becomes a comment beside it, and what
the input cannot tell becomes an explicit note rather than a guess.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from aftershock.importers.secrets import PLACEHOLDER, redact

_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


PROVIDERS = frozenset({"aws", "gcp", "azure", "cloudflare", "fastly", "global"})
"""Names a component cannot take: they are failure targets of their own."""


def clean_name(raw: str) -> str:
    """Return ``raw`` as a valid component name (letters, digits, ``_.-``; starts alphanumeric;
    never a provider's name: a compose service ``aws`` running localstack is ``aws-service``;
    never a credential: a key or a URL's token in it is ``withheld``)."""
    name = _BAD.sub("-", redact(raw).replace(PLACEHOLDER, "withheld").strip()).strip("-._")
    name = name or "unnamed"
    if len(name) > NAME_CHARS:  # a 100 KB workload name: kept apart from others by a digest
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = f"{name[: NAME_CHARS - 9].rstrip('-._')}-{digest}"
    return f"{name}-service" if name.lower() in PROVIDERS else name


NAME_CHARS = 63
"""The longest name an import gives a component (a Kubernetes name's length); a longer one
is cut and keeps a digest of the whole, so two long names stay two components."""


def model_name(raw: str | None) -> str:
    """Return the name an imported model takes from ``raw`` (a file or folder name, a compose
    project): one line, not empty, not longer than a component name."""
    text = " ".join(redact(raw or "").split())
    return clean_name(text) if len(text) > NAME_CHARS or not text else text


@dataclass
class Dependency:
    """``on`` is depended on; ``why`` says what in the input shows it."""

    on: str
    why: str
    soft: bool = False
    calls: int | None = None
    """How many calls the input saw (traces)."""


@dataclass
class Part:
    """One component being drafted. Fields left None are unknown and stay out of the model."""

    name: str
    why: str
    kind: str = "service"
    uses: str | None = None
    planes: list[str] | None = None
    """Planes of the used service it needs, when more than data and DNS (e.g. control)."""
    deploy: list[dict[str, Any]] = field(default_factory=list)
    replicas: list[str] = field(default_factory=list)
    """Replica *regions* of a datastore (the model's meaning), not pod counts."""
    replication: dict[str, Any] | None = None
    vendor: str | None = None
    runs_on: list[str] = field(default_factory=list)
    description: str | None = None
    owner: str | None = None
    depends: dict[str, Dependency] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Comments written above the component: inferred facts and unknowns."""
    sources: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Add a comment (once)."""
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class Draft:
    """A model document in the making; see the module docstring."""

    name: str
    sources: list[str] = field(default_factory=list)
    parts: dict[str, Part] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)
    """Components users reach (name -> why): they become guessed business services."""
    notes: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    """Values seen in the input that must never reach the output (checked when emitting)."""

    def part(self, raw: str, why: str, **fields: Any) -> Part:
        """Return the component named ``raw`` (cleaned), creating it with ``fields`` if new."""
        name = clean_name(raw)
        found = self.parts.get(name)
        if found is None:
            found = self.parts[name] = Part(name=name, why=why, **fields)
        else:
            for key, value in fields.items():
                if getattr(found, key) in (None, [], "service") and value not in (None, []):
                    setattr(found, key, value)
        return found

    def depend(
        self, source: str, target: str, why: str, *, soft: bool = False, calls: int | None = None
    ) -> None:
        """Record that ``source`` depends on ``target`` (both raw names)."""
        src, dst = clean_name(source), clean_name(target)
        if src == dst:
            return
        part = self.parts[src]
        known = part.depends.get(dst)
        if known is None:
            part.depends[dst] = Dependency(dst, why, soft, calls)
        elif calls is not None:
            known.calls = (known.calls or 0) + calls

    def entry(self, raw: str, why: str) -> None:
        """Mark a component as reached by users."""
        self.entries.setdefault(clean_name(raw), why)

    def note(self, text: str) -> None:
        """Add a comment to the document's header (once)."""
        if text not in self.notes:
            self.notes.append(text)

    def secret(self, value: object) -> None:
        """Remember a value that must not appear in the output (shorter than 6 characters it
        is no credential worth the name and would match ordinary words)."""
        text = str(value).strip()
        if len(text) >= 6:
            self.secrets.add(text)


def merge(drafts: list[Draft], name: str | None = None) -> Draft:
    """Return one draft holding all of ``drafts``: components with the same name are one, the
    first input's facts win, and dependencies, notes and sources are combined."""
    out = Draft(name=model_name(name or drafts[0].name))
    for draft in drafts:
        out.sources += draft.sources
        out.secrets |= draft.secrets
        for text in draft.notes:
            out.note(text)
        for key, why in draft.entries.items():
            out.entries.setdefault(key, why)
        for pname, part in draft.parts.items():
            mine = out.parts.get(pname)
            if mine is None:
                out.parts[pname] = Part(
                    **{
                        **part.__dict__,
                        "depends": dict(part.depends),
                        "notes": list(part.notes),
                        "sources": list(part.sources),
                    }
                )
                continue
            for key in ("uses", "planes", "replication", "vendor", "description", "owner"):
                if getattr(mine, key) is None and getattr(part, key) is not None:
                    setattr(mine, key, getattr(part, key))
            if mine.kind == "service" and part.kind != "service":
                mine.kind = part.kind
            for key in ("deploy", "replicas", "runs_on"):
                if not getattr(mine, key) and getattr(part, key):
                    setattr(mine, key, list(getattr(part, key)))
            for dst, dep in part.depends.items():
                if dst in mine.depends:
                    if dep.calls is not None:
                        mine.depends[dst].calls = (mine.depends[dst].calls or 0) + dep.calls
                else:
                    mine.depends[dst] = dep
            for text in [f"also {part.why}", *part.notes]:
                mine.note(text)
            mine.sources += part.sources
    return out
