"""A deliberately naive evaluator of the model's semantics, straight from DESIGN.md.

It reads the Model and the catalog directly (no Graph, no gates, no sets) and iterates component
states to a fixpoint for one set of failed targets. The property tests compare the engine with
it on random small models.
"""

from __future__ import annotations

from aftershock.catalog.load import Catalog
from aftershock.graph.failover import failover_requirements
from aftershock.model.spec import Component, Deploy, Model

UP, DEGRADED, DOWN = 0, 1, 2


class Brute:
    """Evaluate states of one model under a set of failed target paths."""

    def __init__(self, model: Model, catalog: Catalog) -> None:
        self.model = model
        self.catalog = catalog
        self._memo: dict[tuple[frozenset[str], bool], tuple[dict[str, int], dict[str, int]]] = {}

    # -- catalog targets ---------------------------------------------------------------
    def _region_down(self, failed: set[str], provider: str, region: str) -> bool:
        return provider in failed or f"{provider}/{region}" in failed

    def plane_down(
        self,
        failed: set[str],
        p: str,
        r: str,
        s: str,
        plane: str,
        seen: frozenset[str] = frozenset(),
    ) -> bool:
        path = f"{p}/{r}/{s}/{plane}"
        if path in seen:
            return False  # least fixpoint: a catalog cycle does not bring itself down
        if self._region_down(failed, p, r) or f"{p}/{r}/{s}" in failed or path in failed:
            return True
        spec = self.catalog.service(p, s)
        assert spec is not None
        info = spec.planes.get(plane)  # type: ignore[call-overload]
        if r == "global" and spec.scope != "global" and spec.global_endpoint is not None:
            info = spec.global_endpoint
        home = info.home if info is not None else None
        if home is not None and self._region_down(failed, p, home):
            return True
        for dep in spec.depends_on:
            if dep.plane != plane:
                continue
            dp, _, ds = dep.on.rpartition("/")
            dp = dp or p
            dspec = self.catalog.service(dp, ds)
            assert dspec is not None
            where = dep.region
            if where == "same":
                where = home if r == "global" and home else r
                if dp != p or (where == "global" and dspec.scope != "global"):
                    where = "global" if dspec.scope == "global" or dspec.global_endpoint else where
            if where == "global" and dspec.scope != "global" and dspec.global_endpoint is None:
                continue
            for dplane in dep.planes:
                if self.plane_down(failed, dp, where, ds, dplane, seen | {path}):
                    return True
        return False

    def place_down(self, failed: set[str], place: str) -> bool:
        provider, _, region = place.partition("/")
        if not region:
            return provider in failed
        return self._region_down(failed, provider, region)

    def target_down(self, failed: set[str], path: str, states: dict[str, int]) -> bool:
        if path in self.model.components:
            return states[path] == DOWN
        parts = path.split("/")
        if len(parts) <= 2:
            return self.place_down(failed, path) or path in failed
        p, r = parts[0], parts[1]
        if len(parts) == 3:
            if r != "global" and parts[2] in self.catalog.zones(p, r):
                return self._region_down(failed, p, r) or path in failed
            spec = self.catalog.service(p, parts[2])
            assert spec is not None
            return self._region_down(failed, p, r) or path in failed or (f"{p}/{r}" in failed)
        return self.plane_down(failed, p, r, parts[2], parts[3])

    # -- components ----------------------------------------------------------------------
    def site_up(self, failed: set[str], comp: Component, deploy: Deploy) -> bool:
        p, _, r = deploy.on.partition("/")
        spec = self.catalog.service(p, comp.uses.partition("/")[2]) if comp.uses else None
        wanted = comp.planes or ["data", "dns"]
        if r == "global":
            assert spec is not None and comp.uses is not None
            s = comp.uses.partition("/")[2]
            return not any(
                self.plane_down(failed, p, "global", s, pl) for pl in wanted if pl in spec.planes
            )
        known = self.catalog.zones(p, r)
        if isinstance(deploy.zones, list):
            zones = deploy.zones
        elif isinstance(deploy.zones, int):
            zones = known[: deploy.zones]
        elif spec is not None and spec.scope != "zonal":
            zones = known
        else:
            zones = []
        if zones:
            alive = sum(1 for z in zones if f"{p}/{r}/{z}" not in failed)
            if self._region_down(failed, p, r) or alive < deploy.min_healthy:
                return False
        elif self._region_down(failed, p, r):
            return False
        if spec is not None and comp.uses is not None:
            s = comp.uses.partition("/")[2]
            return not any(
                self.plane_down(failed, p, r, s, pl) for pl in wanted if pl in spec.planes
            )
        compute = self.catalog.providers[p].compute
        if compute is not None and comp.kind != "external":
            return not self.plane_down(failed, p, r, compute, "data")
        return True

    def placement_up(
        self, failed: set[str], name: str, comp: Component, states: dict[str, int], judge: bool
    ) -> bool:
        sites = [self.site_up(failed, comp, d) for d in comp.deploy]
        needs = failover_requirements(comp, self.catalog)
        for i in range(1, len(comp.deploy)):
            sites[i] = sites[i] and not any(
                self.target_down(failed, t, states) or (judge and self.needs_itself(t, name))
                for t in needs[i]
            )
        sites += [self.site_up(failed, comp, Deploy(on=pl)) for pl in comp.replicas]
        return not sites or any(sites)

    def needs_itself(self, target: str, component: str) -> bool:
        """Whether a failover requirement is DOWN whenever ``component`` is: then the failover
        (which happens only while the component is DOWN) never completes. Judged on the model
        with every failover possible and ``component`` alone failed."""
        if target not in self.model.components:
            return False
        return self.evaluate({component}, judge=False)[0][target] == DOWN

    def component_state(
        self, failed: set[str], name: str, states: dict[str, int], judge: bool
    ) -> int:
        comp = self.model.components[name]
        if name in failed:
            return DOWN
        worst = UP
        if not self.placement_up(failed, name, comp, states, judge):
            worst = DOWN
        if comp.vendor is not None:
            if comp.vendor in failed:
                worst = DOWN
            places = comp.runs_on
            if not places and comp.vendor in self.catalog.vendors:
                places = self.catalog.vendors[comp.vendor].runs_on
            if places and all(self.place_down(failed, pl) for pl in places):
                worst = DOWN
        elif comp.runs_on and all(self.place_down(failed, pl) for pl in comp.runs_on):
            worst = DOWN
        for dep in comp.depends_on:
            s = states[dep.on]
            if dep.soft or (dep.fallback is not None and dep.fallback.holds is None):
                s = min(s, DEGRADED)
            worst = max(worst, s)
        return worst

    def evaluate(
        self, failed: set[str], *, judge: bool = True
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Return (component states, business service states) under ``failed``; ``judge``
        False skips judging requirements that need their own component (it runs on that)."""
        key = (frozenset(failed), judge)
        if key not in self._memo:
            self._memo[key] = self._evaluate(failed, judge)
        return self._memo[key]

    def _evaluate(self, failed: set[str], judge: bool) -> tuple[dict[str, int], dict[str, int]]:
        states = dict.fromkeys(self.model.components, UP)
        changed = True
        while changed:
            changed = False
            for name in self.model.components:
                new = self.component_state(failed, name, states, judge)
                if new > states[name]:
                    states[name] = new
                    changed = True
        business = {
            b: max(states[e] for e in svc.entry) for b, svc in self.model.business_services.items()
        }
        return states, business
