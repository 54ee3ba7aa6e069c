"""Write a Draft as a model document a person would keep: ordered, commented, valid.

Every inferred fact is followed by a comment saying where it came from; what the input cannot
tell is written as a commented placeholder (``# deploy: unknown ...``) so ``aftershock check``
can say so too. Dependencies on names the input never defines become ``external`` placeholder
components. The text is validated exactly as a hand-written model is before it is returned, and
checked against every secret value the import saw.

This is the output boundary of every importer, so two rules hold here for all of them, whatever
an importer forgot: every comment and free-text value passes through ``redact`` (credentials in
URLs, webhook paths and key formats become ``(withheld)``), and every control character from the
input is escaped exactly once by ``escape_controls``, as visible ``\\u001b`` text: in a comment
(a newline cannot end the comment and start YAML of its own) and in a value (a model holds no
control character: a description that had an ESC loads as the six characters ``\\u001b``).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from aftershock import __version__
from aftershock.errors import AftershockError, ImportInputError, InputError, Problem
from aftershock.escaping import escape_controls
from aftershock.importers.draft import Draft, Part
from aftershock.importers.secrets import PLACEHOLDER, redact
from aftershock.model.load import load_model_text

DEPLOY_HINT = "add deploy: {on: PROVIDER/REGION, zones: N} (aftershock catalog lists them)"


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def scalar(value: object) -> str:
    """Return ``value`` as YAML flow text (keys such as ``on`` unquoted: models are YAML 1.2),
    every control character in its strings written as a visible ``\\u001b`` (a model holds
    none)."""
    if isinstance(value, dict):
        items = [
            f"{k if _PLAIN_KEY.match(str(k)) else scalar(str(k))}: {scalar(v)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, str):
        value = escape_controls(value, keep_newlines=False)
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


COMMENT_CHARS = 400
"""The longest comment written: an input's 100 KB value is cut, not copied whole."""


class _Recorder:
    """Renders what an importer supplied, keeping every rendered piece (with where it goes) to
    check for secrets (aftershock's own wording is not checked: a secret that is also a plain
    word such as ``service`` must not make the writer refuse its own text)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.pieces: list[tuple[str, str]] = []
        self.credentials: list[str] = []
        # the longest first, so that a secret holding another is withheld whole
        self.secrets = sorted(draft.secrets, key=lambda s: (-len(s), s))

    def value(self, value: object, where: str, *, free_text: bool = False) -> str:
        """Return ``value`` as YAML; free text (a description) has its credentials withheld,
        and any other value holding one makes ``leak`` say where."""
        if free_text and isinstance(value, str):
            value = redact(value)
        for text in _strings(value):
            self.pieces.append((where, text))
            if not free_text and redact(text) != text:
                self.credentials.append(where)
        return scalar(value)

    def comment(self, text: object, where: str) -> str:
        """Return ``text`` as one comment line: credentials withheld, controls escaped."""
        flat = redact(str(text))
        for secret in self.secrets:
            flat = flat.replace(secret, PLACEHOLDER)
        flat = " ".join(escape_controls(flat, keep_newlines=False).split())
        if len(flat) > COMMENT_CHARS:
            flat = f"{flat[:COMMENT_CHARS]}... ({len(flat) - COMMENT_CHARS:,} more characters)"
        self.pieces.append((where, flat))
        return flat

    def leak(self) -> str | None:
        """Return where a secret the import saw, or a credential, would be written."""
        if self.credentials:
            return self.credentials[0]
        for where, text in self.pieces:
            for secret in self.secrets:
                if secret in text or escape_controls(secret, keep_newlines=False) in text:
                    return where
        return None


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


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
    out += [f"#   {rec.comment(s, 'the list of inputs')}" for s in draft.sources]
    out.append("# Comments say where each fact came from; check them, fill in the placeholders,")
    out.append("# then run: aftershock check THIS-FILE")
    out += [f"# NOTE: {rec.comment(n, 'a note on the whole model')}" for n in draft.notes]
    out += ["aftershock: 1", f"name: {rec.value(draft.name, 'the model name', free_text=True)}"]
    entries = _entries(draft)
    if entries:
        out.append("business_services:")
        for name, why in sorted(entries.items()):
            where = f"business service {name}"
            out.append(f"  {rec.value(name, where)}:  # {rec.comment(why, where)}")
            out.append(f"    entry: [{rec.value(name, where)}]")
            out.append("    # set what an hour down costs and your objectives to get costs:")
            out.append("    # cost_per_hour: 0")
            out.append("    # rto: 1h")
            out.append("    # rpo: 5m")
            out.append("    # impact_tolerance: 4h")
    out.append("components:")
    for name in sorted(draft.parts):
        out += _component(draft.parts[name], rec)
    text = "\n".join(out) + "\n"
    leak = rec.leak()
    if leak is not None:
        raise AftershockError(
            f"an importer was about to write a secret value in {leak} (a value the input "
            "marked or shaped as a credential); nothing was written. This is a bug in "
            "aftershock: please report it, leaving the secret out"
        )
    try:
        load_model_text(text, f"{draft.name}.yaml")
    except InputError as error:
        raise AftershockError(f"an importer produced an invalid model: {error}") from error
    return text


def _component(part: Part, rec: _Recorder) -> list[str]:
    where = f"component {part.name}"
    lines = [f"  # {rec.comment(n, where)}" for n in part.notes]
    lines.append(f"  {rec.value(part.name, where)}:  # {rec.comment(part.why, where)}")
    fields: list[tuple[str, Any]] = [("kind", part.kind)]
    if part.description:
        fields.append(("description", part.description))
    if part.owner:
        fields.append(("owner", part.owner))
    if part.uses:
        fields.append(("uses", part.uses))
        if part.planes:
            fields.append(("planes", part.planes))
    if part.deploy:
        fields.append(("deploy", part.deploy[0] if len(part.deploy) == 1 else part.deploy))
    for key, value in fields:
        free = key in ("description", "owner")
        lines.append(f"    {key}: {rec.value(value, f'the {key} of {where}', free_text=free)}")
    if not part.deploy and part.kind != "external":
        lines.append(f"    # deploy: unknown: the input does not say where it runs; {DEPLOY_HINT}")
    for key, value in (
        ("replicas", part.replicas),
        ("replication", part.replication),
        ("vendor", part.vendor),
        ("runs_on", part.runs_on),
    ):
        if value:
            lines.append(f"    {key}: {rec.value(value, f'the {key} of {where}')}")
    if part.depends:
        lines.append("    depends_on:")
        for dst in sorted(part.depends):
            dep = part.depends[dst]
            on = f"the dependency of {part.name} on {dst}"
            item = rec.value({"on": dst, "soft": True} if dep.soft else dst, on)
            why = dep.why + (f" ({dep.calls} calls)" if dep.calls else "")
            lines.append(f"      - {item}  # {rec.comment(why, on)}")
    return lines
