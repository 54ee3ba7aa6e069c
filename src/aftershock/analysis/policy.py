"""``--fail-on`` policies: which findings make a check fail (exit code 1)."""

from __future__ import annotations

from collections.abc import Iterable

from aftershock.analysis.results import SEVERITIES, CheckResult, Finding
from aftershock.errors import InputError, Problem
from aftershock.model.suggest import closest

FINDING_KINDS = (
    "spof",
    "hidden-spof",
    "failover-blocked",
    "failover-loop",
    "failover-mutual",
    "failover-control-plane",
    "failover-window",
    "rpo",
    "rpo-single-region",
    "cycle",
    "zones-unknown",
    "single-zone",
    "no-spare-zone",
    "vendor-placement-unknown",
    "vendor-not-in-catalog",
    "objectives-missing",
)
ALIASES = {
    "spof": ("spof", "hidden-spof"),
    "hidden": ("hidden-spof",),
    "rpo": ("rpo", "rpo-single-region"),
    "failover": (
        "failover-blocked",
        "failover-loop",
        "failover-mutual",
        "failover-control-plane",
        "failover-window",
    ),
    "zones": ("zones-unknown", "single-zone", "no-spare-zone"),
    "vendor": ("vendor-placement-unknown", "vendor-not-in-catalog"),
    "objectives": ("objectives-missing",),
    "any": FINDING_KINDS,
}


def parse_policies(values: Iterable[str]) -> frozenset[str]:
    """Return the policy names in ``values`` (comma-separated allowed).

    Raises InputError naming an unknown policy and the allowed ones.
    """
    allowed = sorted({*FINDING_KINDS, *ALIASES, *SEVERITIES})
    out = set()
    for value in values:
        for name in filter(None, (v.strip() for v in value.split(","))):
            if name not in allowed:
                guess = closest(name, allowed)
                raise InputError(
                    Problem(
                        f"unknown --fail-on policy {name!r}",
                        file="--fail-on",
                        value=name,
                        hint=(f"did you mean {guess!r}? " if guess else "")
                        + "allowed: "
                        + ", ".join(allowed),
                    )
                )
            out.add(name)
    return frozenset(out)


def violations(result: CheckResult, policies: frozenset[str]) -> list[Finding]:
    """Return the findings that violate ``policies``: a kind, an alias, or a severity (that
    severity or worse)."""
    kinds: set[str] = set()
    worst = -1  # no severity policy: no finding qualifies by severity
    for policy in policies:
        if policy in SEVERITIES:
            worst = max(worst, SEVERITIES.index(policy))
        kinds.update(ALIASES.get(policy, (policy,)))
    return [f for f in result.findings if f.kind in kinds or SEVERITIES.index(f.severity) <= worst]
