"""Kubernetes manifests to a model draft.

Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) become components.
Services map to the workloads their selectors pick, so a dependency on a Service name is one on
the workload behind it. Dependencies come from env values (literal, ``$(VAR)`` expansions and
ConfigMap references) naming a Service or another host (importers/addresses.py); Secrets are
never read, only remembered so that none of their values reaches the output. Replicas, zone
spread and PodDisruptionBudgets become notes, and with a region a deploy entry; Ingresses and
LoadBalancer or NodePort Services mark entry points.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator
from collections.abc import Sequence as Paths
from dataclasses import dataclass
from pathlib import Path

from aftershock.importers import ImportOptions
from aftershock.importers.addresses import (
    Evidence,
    check_region,
    forget_public_secrets,
    safe_name,
    withhold,
)
from aftershock.importers.draft import Draft
from aftershock.importers.kubernetes_objects import HPA, WORKLOAD_HINT, Manifests, Obj, Workload
from aftershock.importers.kubernetes_pods import PodFacts, placement
from aftershock.importers.yamldocs import Mapping, Sequence, dig, fail


@dataclass(frozen=True)
class Target:
    """What a host names: components (or a placeholder name), whether the input defines it,
    and the Service it went through when that is worth saying."""

    names: list[str]
    known: bool
    via: str = ""


def read(inputs: Paths[Path], options: ImportOptions) -> Draft:
    """Return a draft of the workloads in the manifests ``inputs`` (files or folders).

    Raises ImportInputError for a missing or unreadable path, malformed YAML, a document that
    is not a manifest, or input without any workload."""
    region = check_region(options.region)
    if not inputs:
        raise fail("no manifests given", None, hint="name manifest files or folders")
    manifests = Manifests()
    for path in inputs:
        manifests.read_path(path, options.root)
    workloads = manifests.workloads()
    if not workloads:
        raise fail(
            "no workloads in the input (Deployment, StatefulSet, DaemonSet, Job, Pod)",
            manifests.labels[0] if manifests.labels else str(inputs[0]),
            hint=WORKLOAD_HINT,
        )
    namespaces = {w.obj.namespace for w in workloads}
    name = options.name or (
        next(iter(namespaces)) if len(namespaces) == 1 and "default" not in namespaces else None
    )
    draft = Draft(
        name=name or (inputs[0].resolve().name if os.path.isdir(inputs[0]) else inputs[0].stem),
        sources=[f"kubernetes: {p}" for p in inputs],
    )
    _Importer(draft, manifests, workloads, region).run()
    forget_public_secrets(draft, region)
    return draft


class _Importer:
    """Turns the objects into components, dependencies, notes and entries."""

    def __init__(
        self, draft: Draft, manifests: Manifests, workloads: list[Workload], region: str | None
    ) -> None:
        self.draft = draft
        self.m = manifests
        self.workloads = workloads
        self.region = region
        self.evidence = Evidence()
        self.services = {(o.namespace, o.name): o for o in manifests.of("Service")}
        self.configmaps = {(o.namespace, o.name): o for o in manifests.of("ConfigMap")}
        self.namespaces = {o.namespace for o in manifests.objects}
        self.telemetry: set[str] = set()
        # indexes, so that a cluster of thousands of workloads is read in linear time
        self.by_label: dict[tuple[str, str, str], list[Workload]] = {}
        self.by_name: dict[tuple[str, str], list[Workload]] = {}
        for w in workloads:
            self.by_name.setdefault((w.obj.namespace, w.obj.name), []).append(w)
            for key, value in w.labels.items():
                self.by_label.setdefault((w.obj.namespace, key, value), []).append(w)
        self._selected: dict[tuple[str, str], list[Workload]] = {}

    def run(self) -> None:
        for secret in self.m.of("Secret"):
            self._withhold_secret(secret)
        for cm in self.configmaps.values():
            data = cm.get("data")
            for key, value in (data or {}).items() if isinstance(data, dict) else ():
                withhold(self.draft, str(key), value)
        facts = {w.component: PodFacts(self, w) for w in self.workloads}
        self.telemetry = {c for c, f in facts.items() if f.telemetry}
        for w in self.workloads:
            facts[w.component].component()
        for w in self.workloads:
            facts[w.component].dependencies()
        self._entries()
        self._budgets(facts)
        self.evidence.write(self.draft)
        for w in self.workloads:
            placement(self.draft.parts[w.component], facts[w.component], self.region)
        self._header()

    def _withhold_secret(self, secret: Obj) -> None:
        for section in ("data", "stringData"):
            values = secret.get(section)
            for value in values.values() if isinstance(values, dict) else ():
                text = str(value)
                withhold(self.draft, "SECRET", text, always=True)
                if section == "data":
                    try:
                        decoded = base64.b64decode(text, validate=True).decode("utf-8")
                    except (binascii.Error, UnicodeDecodeError):
                        continue
                    withhold(self.draft, "SECRET", decoded, always=True)

    def selected(self, service: Obj) -> list[Workload]:
        """Return the workloads ``service`` selects."""
        key = (service.namespace, service.name)
        if key not in self._selected:
            self._selected[key] = self.select(service.get("spec", "selector"), service.namespace)
        return self._selected[key]

    def select(self, selector: object, namespace: str) -> list[Workload]:
        """Return the workloads of ``namespace`` whose pod labels match ``selector``."""
        if not isinstance(selector, dict) or not selector:
            return []
        pairs = [(namespace, str(k), str(v)) for k, v in selector.items()]
        fewest = min((self.by_label.get(p, []) for p in pairs), key=len)
        return [w for w in fewest if w.selected_by(selector, namespace)]

    def resolve(self, host: str, namespace: str) -> Target:
        """Return what ``host``, called from ``namespace``, names: ``svc``, ``svc.ns``,
        ``svc.ns.svc[.cluster.local]`` and ``pod.svc.ns.svc...`` go to a Service's workloads."""
        labels = host.split(".")
        name, ns, cluster = labels[0], namespace, False
        if "svc" in labels[2:]:
            i = labels.index("svc", 2)
            name, ns, cluster = labels[i - 2], labels[i - 1], True
        elif len(labels) == 2 and labels[1] in self.namespaces:
            name, ns = labels
        elif len(labels) > 1:
            return Target([host], known=False)
        svc = self.services.get((ns, name))
        if svc is not None:
            if svc.get("spec", "type") == "ExternalName":
                external = svc.get("spec", "externalName")
                why = f"Service {svc.name} ({svc.where}) is an ExternalName for {external}"
                return Target([self.draft.part(safe_name(name), why, kind="external").name], True)
            workloads = self.selected(svc)
            if not workloads:
                return Target([name], True, f"Service {name}, which selects no workload")
            via = "" if [w.component for w in workloads] == [name] else f"Service {name}"
            return Target([w.component for w in workloads], True, via)
        same = [w.component for w in self.by_name.get((ns, name), [])]
        if same:
            return Target(same, True, f"the workload {name} (no Service {name} in the input)")
        if cluster:
            return Target([name], False, f"Service {name} of namespace {ns}, not in the input")
        return Target([host], known=False)

    def _entries(self) -> None:
        for svc in self.services.values():
            kind = svc.get("spec", "type")
            if kind in ("LoadBalancer", "NodePort"):
                for w in self.selected(svc):
                    why = f"Service {svc.name} is a {kind} ({svc.where})"
                    self.draft.entry(w.component, why)
        for ing in self.m.of("Ingress"):
            for backend, line, route in _backends(ing.body):
                routed = self.services.get((ing.namespace, backend))
                targets = self.selected(routed) if routed else []
                for w in targets:
                    why = f"Ingress {ing.name} routes {route} to Service {backend} ({ing.at(line)})"
                    self.draft.entry(w.component, why)
                if not targets:
                    self.draft.note(
                        f"Ingress {ing.name} ({ing.at(line)}) routes to Service {backend}, "
                        "which selects no workload in the input"
                    )

    def _budgets(self, facts: dict[str, PodFacts]) -> None:
        for pdb in self.m.of("PodDisruptionBudget"):
            spec = pdb.get("spec")
            spec = spec if isinstance(spec, Mapping) else Mapping(pdb.body.line)
            limits = [f"{k} {spec[k]}" for k in ("minAvailable", "maxUnavailable") if k in spec]
            for w in self.select(pdb.get("spec", "selector", "matchLabels"), pdb.namespace):
                self.draft.parts[w.component].note(
                    f"PodDisruptionBudget {pdb.name} ({pdb.where}): "
                    + (", ".join(limits) or "no limit set")
                    + "; it bounds voluntary evictions (drains, upgrades), not outages"
                )
        for hpa in self.m.of(HPA):
            ref = hpa.get("spec", "scaleTargetRef")
            for w in self.by_name.get((hpa.namespace, str(dig(ref, "name"))), []):
                if w.obj.kind == dig(ref, "kind"):
                    facts[w.component].autoscaled(hpa)

    def _header(self) -> None:
        if self.m.skipped:
            kinds = ", ".join(f"{k} ({n})" for k, n in sorted(self.m.skipped.items()))
            self.draft.note(f"skipped objects of kinds this importer does not read: {kinds}")
        if self.m.skipped_files:
            self.draft.note(
                "skipped files that hold no Kubernetes manifest: " + ", ".join(self.m.skipped_files)
            )
        if self.region:
            self.draft.note(
                f"workloads are placed in {self.region} (the region given to the import); "
                "zone counts only where the manifests spread pods across zones (topologySpread"
                "Constraints or podAntiAffinity on topology.kubernetes.io/zone) or pin them"
            )


def _backends(ingress: Mapping) -> Iterator[tuple[str, int, str]]:
    """Yield (Service name, line, route) for every backend of an Ingress (v1 and v1beta1)."""
    spec = ingress.get("spec")
    if not isinstance(spec, Mapping):
        return
    backends = [(spec.get(k), spec.at(k), "by default") for k in ("defaultBackend", "backend")]
    rules = spec.get("rules")
    for rule in rules if isinstance(rules, Sequence) else []:
        paths = dig(rule, "http", "paths")
        if isinstance(rule, Mapping) and isinstance(paths, Sequence):
            host = str(rule.get("host") or "*")
            backends += [
                (p.get("backend"), paths.at(i), f"{host}{p.get('path') or ''}")
                for i, p in enumerate(paths)
                if isinstance(p, Mapping)
            ]
    for backend, line, route in backends:
        if isinstance(backend, Mapping):  # a path that is no mapping has no backend
            name = dig(backend, "service", "name") or backend.get("serviceName")
            if isinstance(name, str):
                yield name, line, route
