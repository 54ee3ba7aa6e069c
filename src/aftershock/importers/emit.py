"""Write a Draft as a model document a person would keep: ordered, commented, valid.

Every inferred fact is followed by a comment saying where it came from; what the input cannot
tell is written as a commented placeholder (``# deploy: unknown ...``) so ``aftershock check``
can say so too. Dependencies on names the input never defines become ``external`` placeholder
components. The text is validated exactly as a hand-written model is before it is returned, and
checked against every secret value the import saw.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from aftershock import __version__
from aftershock.errors import AftershockError, ImportInputError, InputError, Problem
from aftershock.importers.draft import Draft, Part
from aftershock.model.load import load_model_text

DEPLOY_HINT = "add deploy: {on: PROVIDER/REGION, zones: N} (aftershock catalog lists them)"


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def scalar(value: object) -> str:
    """Return ``value`` as YAML flow text (keys such as ``on`` unquoted: models are YAML 1.2)."""
    if isinstance(value, dict):
        items = [
            f"{k if _PLAIN_KEY.match(str(k)) else scalar(str(k))}: {scalar(v)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


class _Recorder:
    """Renders what an importer supplied, keeping every rendered piece to check for secrets
    (aftershock's own wording is not checked: a secret that is also a plain word such as
    ``service`` must not make the writer refuse its own text)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.pieces: list[str] = []

    def value(self, value: object) -> str:
        text = scalar(value)
        self.pieces.append(text)
        return text

    def comment(self, text: object) -> str:
        flat = " ".join(str(text).split())
        for secret in self.draft.secrets:
            flat = flat.replace(secret, "(withheld)")
        self.pieces.append(flat)
        return flat

    def leaks(self) -> bool:
        written = "\n".join(self.pieces)
        return any(secret in written for secret in self.draft.secrets)


def _placeholders(draft: Draft) -> None:
    """Turn dependencies on names the input never defines into external placeholders."""
    missing: dict[str, list[str]] = {}
    for part in draft.parts.values():
        for dst in part.depends:
            if dst not in draft.parts:
                missing.setdefault(dst, []).append(part.name)
    for name, users in sorted(missing.items()):
        part = draft.part(name, f"referenced by {', '.join(sorted(users))}", kind="external")
        part.note(
            "not in the input: a placeholder for what "
            f"{', '.join(sorted(users))} call(s); describe where it runs or remove the dependency"
        )


def _entries(draft: Draft) -> dict[str, str]:
    if draft.entries:
        return {k: v for k, v in draft.entries.items() if k in draft.parts}
    used = {dst for part in draft.parts.values() for dst in part.depends}
    roots = [n for n in draft.parts if n not in used and draft.parts[n].kind != "external"]
    return {n: "guessed: nothing in the input depends on it" for n in sorted(roots)}


def emit(draft: Draft) -> str:
    """Return the model text of ``draft``. Raises ImportInputError when the input held no
    component, and AftershockError if the text would be invalid or would contain a secret value
    (both are bugs in an importer, not the user's input)."""
    if not draft.parts:
        raise ImportInputError(
            Problem(
                "the input describes no component: nothing to import",
                file=", ".join(draft.sources) or None,
                hint="import files that define services, workloads or resources",
            )
        )
    _placeholders(draft)
    rec = _Recorder(draft)
    out = [f"# Imported by aftershock {__version__} from:"]
    out += [f"#   {rec.comment(s)}" for s in draft.sources]
    out.append("# Comments say where each fact came from; check them, fill in the placeholders,")
    out.append("# then run: aftershock check THIS-FILE")
    out += [f"# NOTE: {rec.comment(n)}" for n in draft.notes]
    out += ["aftershock: 1", f"name: {rec.value(draft.name)}"]
    entries = _entries(draft)
    if entries:
        out.append("business_services:")
        for name, why in sorted(entries.items()):
            out.append(f"  {rec.value(name)}:  # {rec.comment(why)}")
            out.append(f"    entry: [{rec.value(name)}]")
            out.append("    # set what an hour down costs and your objectives to get costs:")
            out.append("    # cost_per_hour: 0")
            out.append("    # rto: 1h")
            out.append("    # rpo: 5m")
            out.append("    # impact_tolerance: 4h")
    out.append("components:")
    for name in sorted(draft.parts):
        out += _component(draft.parts[name], rec)
    text = "\n".join(out) + "\n"
    if rec.leaks():
        raise AftershockError("an importer was about to write a secret value; report this bug")
    try:
        load_model_text(text, f"{draft.name}.yaml")
    except InputError as error:
        raise AftershockError(f"an importer produced an invalid model: {error}") from error
    return text


def _component(part: Part, rec: _Recorder) -> list[str]:
    lines = [f"  # {rec.comment(n)}" for n in part.notes]
    lines.append(f"  {rec.value(part.name)}:  # {rec.comment(part.why)}")
    fields: list[tuple[str, Any]] = [("kind", part.kind)]
    if part.description:
        fields.append(("description", part.description))
    if part.owner:
        fields.append(("owner", part.owner))
    if part.uses:
        fields.append(("uses", part.uses))
        if part.planes:
            fields.append(("planes", part.planes))
    lines += [f"    {key}: {rec.value(value)}" for key, value in fields]
    if part.deploy:
        value = part.deploy[0] if len(part.deploy) == 1 else part.deploy
        lines.append(f"    deploy: {rec.value(value)}")
    elif part.kind != "external":
        lines.append(f"    # deploy: unknown: the input does not say where it runs; {DEPLOY_HINT}")
    if part.replicas:
        lines.append(f"    replicas: {rec.value(part.replicas)}")
    if part.replication:
        lines.append(f"    replication: {rec.value(part.replication)}")
    if part.vendor:
        lines.append(f"    vendor: {rec.value(part.vendor)}")
    if part.runs_on:
        lines.append(f"    runs_on: {rec.value(part.runs_on)}")
    if part.depends:
        lines.append("    depends_on:")
        for dst in sorted(part.depends):
            dep = part.depends[dst]
            item = rec.value({"on": dst, "soft": True}) if dep.soft else rec.value(dst)
            why = dep.why + (f" ({dep.calls} calls)" if dep.calls else "")
            lines.append(f"      - {item}  # {rec.comment(why)}")
    return lines
