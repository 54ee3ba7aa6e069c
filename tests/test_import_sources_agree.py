"""Two views of one system should agree: Online Boutique from its Kubernetes manifests and from
the Nezha traces of it. The manifests say what each service is configured to call; the traces
what it was seen calling during one sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftershock.importers import ImportOptions
from aftershock.importers.draft import Draft
from aftershock.importers.kubernetes import read as read_manifests
from aftershock.importers.traces import read as read_traces
from realworld import realworld

Edge = tuple[str, str]


@dataclass(frozen=True)
class GraphDifference:
    """Dependencies (src, dst) in one draft and not in the other."""

    only_first: frozenset[Edge]
    only_second: frozenset[Edge]
    shared_components: frozenset[str]

    def only_second_within_shared(self) -> frozenset[Edge]:
        """Edges of the second draft missing from the first, both ends known to both."""
        both = self.shared_components
        return frozenset(e for e in self.only_second if e[0] in both and e[1] in both)

    def describe(self, first: str, second: str) -> str:
        """Return the difference as lines a person can read."""
        lines = [f"in {first}, not in {second}:"]
        lines += [f"  {a} -> {b}" for a, b in sorted(self.only_first)] or ["  (none)"]
        lines.append(f"in {second}, not in {first}:")
        lines += [f"  {a} -> {b}" for a, b in sorted(self.only_second)] or ["  (none)"]
        return "\n".join(lines)


def dependency_edges(draft: Draft) -> frozenset[Edge]:
    """Return every (component, depended-on) pair of ``draft``."""
    return frozenset((src, dst) for src, part in draft.parts.items() for dst in part.depends)


def compare(first: Draft, second: Draft) -> GraphDifference:
    """Return the dependencies each draft has that the other lacks."""
    a, b = dependency_edges(first), dependency_edges(second)
    return GraphDifference(a - b, b - a, frozenset(first.parts) & frozenset(second.parts))


def test_compare_names_the_edges_each_side_lacks() -> None:
    one, two = Draft(name="one"), Draft(name="two")
    for draft in (one, two):
        for name in ("web", "api", "db"):
            draft.part(name, "test")
    one.depend("web", "api", "test")
    one.depend("api", "db", "test")
    two.depend("web", "api", "test")
    two.depend("web", "db", "test")
    diff = compare(one, two)
    assert diff.only_first == {("api", "db")}
    assert diff.only_second == {("web", "db")}
    assert "in one, not in two:\n  api -> db" in diff.describe("one", "two")


# What the manifests configure and the traces never showed, each checked in the inputs:
MANIFEST_ONLY = {
    # redis-cart is a Deployment in the manifests (REDIS_ADDR of cartservice); the Nezha sample
    # has no spans from its pod: Redis is not instrumented.
    ("cartservice", "redis-cart"),
    # checkoutservice has CURRENCY_SERVICE_ADDR; its 64 ConvertCurrency spans in the sample
    # stay inside checkoutservice (no CurrencyService span under them): not traced outward.
    ("checkoutservice", "currencyservice"),
    # frontend has SHOPPING_ASSISTANT_SERVICE_ADDR; the service is not deployed by this
    # manifest (a placeholder) and no trace reaches it.
    ("frontend", "shoppingassistantservice"),
    # loadgenerator drives frontend (FRONTEND_ADDR) but is not instrumented: traces start in
    # frontend.
    ("loadgenerator", "frontend"),
}


def test_online_boutique_manifests_and_traces_agree() -> None:
    manifests = realworld("kubernetes", "online-boutique", "kubernetes-manifests.yaml")
    traces = realworld("traces", "nezha-online-boutique", "17_00_trace.csv")
    configured = read_manifests([manifests], ImportOptions())
    seen = read_traces([traces], ImportOptions())
    diff = compare(configured, seen)
    print(diff.describe("the manifests", "the traces"))
    assert set(seen.parts) <= set(configured.parts)  # every traced service is deployed
    assert diff.only_second_within_shared() == set()  # and every traced call configured
    assert diff.only_first == MANIFEST_ONLY
    assert len(dependency_edges(seen)) == 13
    assert set(seen.entries) == set(configured.entries) == {"frontend"}
