"""Kubernetes manifests to a model: workloads, Services, env dependencies, zones, entries."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model
from aftershock.importers.draft import Draft
from aftershock.importers.kubernetes import read
from realworld import realworld

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "import" / "kubernetes" / "shop"
BAD = FIXTURES / "bad-imports"
REGION = ImportOptions(region="aws/us-east-1")


def shop(options: ImportOptions | None = None) -> Draft:
    return read([SHOP], options or ImportOptions())


def edges(draft: Draft) -> set[tuple[str, str]]:
    return {(src, dst) for src, part in draft.parts.items() for dst in part.depends}


def why(draft: Draft, src: str, dst: str) -> str:
    return draft.parts[src].depends[dst].why


def imported(paths: list[Path], options: ImportOptions | None = None) -> str:
    """Return the model text, after checking that it loads, compiles and checks."""
    text = import_model([("kubernetes", paths)], options)
    aftershock.check(aftershock.compile_model(aftershock.load_model_text(text)))
    return text


def test_a_manifest_folder_becomes_components_and_dependencies() -> None:
    draft = shop()
    assert {n: p.kind for n, p in draft.parts.items()} == {
        "frontend": "service",
        "cart": "service",
        "catalog": "service",
        "recommendations": "service",
        "currency": "service",
        "payments": "service",
        "log-agent": "service",  # a DaemonSet
        "nightly-report": "job",  # a CronJob
        "db": "datastore",  # StatefulSet, image postgres (its exporter sidecar does not count)
        "redis": "cache",  # StatefulSet, image redis
        "events": "queue",  # StatefulSet, image bitnami/kafka
        "rabbitmq": "queue",  # StatefulSet with an own image: its name says it
        "ads": "service",  # from a JSON List
    }
    assert edges(draft) == {
        ("frontend", "cart"),  # CART_ADDR=cart:7070
        ("frontend", "catalog"),  # http://catalog-svc:8080/api, Service catalog-svc
        ("frontend", "recommendations"),  # RECS_SERVICE=recommendations
        ("frontend", "currency"),  # CURRENCY=currency, a plain value naming a Service
        ("frontend", "ads"),  # ads.shop.svc.cluster.local:9555
        ("frontend", "payments"),  # configMapKeyRef
        ("frontend", "audit.example.com"),  # envFrom ConfigMap, an external URL
        ("frontend", "api.stripe.com"),  # an external API
        ("cart", "redis"),  # REDIS_HOST and $(REDIS_HOST) in REDIS_URL
        ("cart", "db"),  # a URL with a password in it
        ("payments", "events"),  # pod DNS names of a headless Service
        ("payments", "jaeger-collector"),  # another namespace, not in the input
        ("log-agent", "loki"),
        ("nightly-report", "db"),  # db.shop.svc
        ("ads", "catalog"),  # catalog-svc.shop:8080
    }


def test_why_names_the_env_variable_file_and_line() -> None:
    draft = shop()
    assert why(draft, "frontend", "cart") == "env CART_ADDR=cart:7070 (apps.yaml:27)"
    assert why(draft, "frontend", "catalog") == (
        "env CATALOG_URL=http://catalog-svc:8080/api (apps.yaml:29) via Service catalog-svc"
    )
    assert why(draft, "frontend", "payments") == (
        "env PAYMENTS_HOST=payments (ConfigMap shop-endpoints key payments-host, config.yaml:16)"
    )
    assert why(draft, "frontend", "audit.example.com") == (
        "env AUDIT_URL=https://audit.example.com/events (ConfigMap shop-config, config.yaml:7)"
    )
    assert why(draft, "cart", "redis") == (
        "env REDIS_HOST=redis (apps.yaml:87); env REDIS_URL=redis://redis:6379/0 (apps.yaml:89)"
    )
    assert why(draft, "ads", "catalog") == (
        "env CATALOG_ADDR=catalog-svc.shop:8080 (ads.json:15) via Service catalog-svc"
    )
    assert draft.parts["frontend"].why == "Deployment frontend (apps.yaml:3) in namespace shop"
    assert draft.parts["db"].why == "StatefulSet db (data/stores.yaml:2) in namespace shop"


def test_what_is_no_dependency_stays_out() -> None:
    frontend = shop().parts["frontend"].depends
    # LISTEN_ADDR=0.0.0.0:8080, HEALTH_URL=http://localhost..., SESSION_TOPIC=currency (a topic
    # name, although a Service has that name), FEATURE_FLAGS=on
    assert not {"0.0.0.0", "localhost", "on"} & set(frontend)
    assert "SESSION_TOPIC" not in frontend["currency"].why
    assert "Secret db-credentials: not read" in " ".join(shop().parts["frontend"].notes)


def test_telemetry_dependencies_are_soft() -> None:
    draft = shop()
    assert draft.parts["payments"].depends["jaeger-collector"].soft  # TRACING_ENDPOINT
    assert draft.parts["log-agent"].depends["loki"].soft  # fluent-bit: telemetry itself
    assert not draft.parts["payments"].depends["events"].soft


def test_zone_spread_replicas_and_budgets_become_notes() -> None:
    draft = shop()
    notes = {name: " | ".join(part.notes) for name, part in draft.parts.items()}
    assert "replicas: 3 (apps.yaml:8)" in notes["frontend"]
    assert (
        "spread across zones by topologySpreadConstraints on topology.kubernetes.io/zone"
        in (notes["frontend"])
    )
    assert (
        "podAntiAffinity (required) on topology.kubernetes.io/zone (apps.yaml:80)"
        in (notes["cart"])
    )
    assert "ScheduleAnyway: best effort" in notes["db"]
    assert "spread across nodes, not zones" in notes["recommendations"]
    assert (
        "HorizontalPodAutoscaler recommendations scales it from 3 to 12 replicas"
        in (notes["recommendations"])
    )
    assert "PodDisruptionBudget cart-pdb (config.yaml:30): minAvailable 1" in notes["cart"]
    assert "replicas not set: Kubernetes runs 1" in notes["catalog"]
    assert "a DaemonSet: one pod on every node" in notes["log-agent"]
    assert all(not part.deploy for part in draft.parts.values())  # no region given


def test_a_region_places_workloads_and_counts_zones_only_where_pods_spread() -> None:
    draft = shop(REGION)
    deploy = {name: part.deploy for name, part in draft.parts.items()}
    assert deploy["frontend"] == [{"on": "aws/us-east-1", "zones": 3}]  # 3 replicas spread
    assert deploy["cart"] == [{"on": "aws/us-east-1", "zones": 2}]  # 2 replicas, anti-affinity
    assert deploy["db"] == [{"on": "aws/us-east-1", "zones": 3}]
    assert deploy["currency"] == [{"on": "aws/us-east-1", "zones": 1}]  # pinned by nodeSelector
    assert deploy["catalog"] == [{"on": "aws/us-east-1"}]  # zones unknown
    assert deploy["recommendations"] == [{"on": "aws/us-east-1"}]  # spread on nodes only
    assert "zones: 3 inferred: 3 replica(s) spread across zones" in " ".join(
        draft.parts["frontend"].notes
    )
    assert any(
        n.startswith("zones unknown: nothing in the manifests spreads")
        for n in draft.parts["catalog"].notes
    )
    text = imported([SHOP], REGION)
    assert "deploy: {on: aws/us-east-1, zones: 3}" in text
    assert "# deploy: unknown" not in text.split("components:")[1].split("api.stripe.com")[1]


def test_entries_come_from_load_balancers_and_ingresses() -> None:
    draft = shop()
    assert draft.entries == {
        "frontend": "Service frontend-lb is a LoadBalancer (apps.yaml:55)",
        "catalog": "Ingress shop routes shop.example.com/api/catalog to Service catalog-svc "
        "(apps.yaml:228)",
    }
    text = imported([SHOP])
    model = aftershock.load_model_text(text)
    assert set(model.business_services) == {"frontend", "catalog"}


def test_skipped_kinds_and_files_are_said_once_in_the_header() -> None:
    text = imported([SHOP])
    assert "# NOTE: skipped objects of kinds this importer does not read: ServiceMonitor (1)" in (
        text
    )
    assert "# NOTE: skipped files that hold no Kubernetes manifest: values.yaml" in text


def test_secret_values_never_reach_the_model_but_their_dependencies_do() -> None:
    text = imported([SHOP])
    for secret in (
        "S3cretPassw0rd",  # DATABASE_URL's password
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",  # API_KEY
        "Sup3rS3cretDbPass",  # a Secret's data (base64 in the file)
        "U3VwM3JTM2NyZXREYlBhc3M=",
        "tok_9fQ2xL7vR1mZ8kW3pN6s",  # a Secret's stringData
    ):
        assert secret not in text
    model = aftershock.load_model_text(text)
    assert "db" in {d.on for d in model.components["cart"].depends_on}
    assert "env DATABASE_URL (value withheld: it holds a password) (apps.yaml:91)" in text


def test_files_given_one_by_one_give_the_same_model_as_their_folder() -> None:
    files = [SHOP / "apps.yaml", SHOP / "config.yaml", SHOP / "data" / "stores.yaml"]
    draft = read([*files, SHOP / "ads.json"], ImportOptions())
    assert edges(draft) == edges(shop())


def test_a_workload_without_a_service_is_found_by_its_name(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: web\n"
        "          image: nginx\n          env:\n            - {name: API_HOST, value: api}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n"
        "  template:\n    spec:\n      containers: [{name: api, image: shop/api}]\n"
    )
    draft = read([tmp_path / "app.yaml"], ImportOptions())
    assert edges(draft) == {("web", "api")}
    assert "no Service api in the input" in why(draft, "web", "api")


def test_online_boutique() -> None:
    path = realworld("kubernetes", "online-boutique") / "kubernetes-manifests.yaml"
    draft = read([path], ImportOptions())
    assert edges(draft) == {
        ("frontend", "productcatalogservice"),
        ("frontend", "currencyservice"),
        ("frontend", "cartservice"),
        ("frontend", "recommendationservice"),
        ("frontend", "shippingservice"),
        ("frontend", "checkoutservice"),
        ("frontend", "adservice"),
        ("frontend", "shoppingassistantservice"),  # named in env, no Deployment in the file
        ("checkoutservice", "productcatalogservice"),
        ("checkoutservice", "shippingservice"),
        ("checkoutservice", "paymentservice"),
        ("checkoutservice", "emailservice"),
        ("checkoutservice", "currencyservice"),
        ("checkoutservice", "cartservice"),
        ("cartservice", "redis-cart"),
        ("recommendationservice", "productcatalogservice"),
        ("loadgenerator", "frontend"),  # FRONTEND_ADDR, in the init container too
    }
    assert draft.parts["redis-cart"].kind == "cache"
    assert set(draft.entries) == {"frontend"}  # Service frontend-external: LoadBalancer
    assert draft.notes == [
        "skipped objects of kinds this importer does not read: ServiceAccount (11)"
    ]
    text = imported([path], REGION)
    assert "shoppingassistantservice:  # referenced by frontend" in text
    assert "    deploy: {on: aws/us-east-1}" in text  # no replicas or spread in the file


def test_sock_shop() -> None:
    draft = read([realworld("kubernetes", "sock-shop")], ImportOptions())
    assert draft.name == "sock-shop"  # the one namespace
    assert edges(draft) == {("user", "user-db"), ("shipping", "zipkin")}
    assert draft.parts["shipping"].depends["zipkin"].soft  # ZIPKIN, another namespace
    kinds = {n: p.kind for n, p in draft.parts.items() if p.kind != "service"}
    assert kinds == {
        "carts-db": "datastore",  # mongo
        "orders-db": "datastore",
        "catalogue-db": "datastore",  # weaveworksdemos/catalogue-db
        "user-db": "datastore",
        "session-db": "cache",  # redis
        "rabbitmq": "queue",  # rabbitmq, its exporter sidecar aside
    }
    assert set(draft.entries) == {"front-end"}  # NodePort
    text = imported([realworld("kubernetes", "sock-shop")])
    assert "fake_password" not in text  # MYSQL_ROOT_PASSWORD


BAD_CASES = [
    ("kubernetes-malformed.yaml", 11, ("YAML syntax error", "did not find expected '-'")),
    ("kubernetes-helm-template.yaml", 4, ("YAML syntax error", "render templates first")),
    ("kubernetes-duplicate-key.yaml", 10, ("duplicate key 'replicas' (first at line 6)",)),
    (
        "kubernetes-not-a-manifest.yaml",
        11,
        ("not a Kubernetes manifest: the document is a mapping without kind:", "apiVersion:"),
    ),
    ("kubernetes-list.yaml", 1, ("not a Kubernetes manifest: the document is a list",)),
    ("kubernetes-no-name.yaml", 7, ("Deployment without metadata.name", "metadata: {name:")),
    (
        "kubernetes-no-workloads.yaml",
        None,
        ("no workloads in the input", "kubectl get deploy,sts,ds"),
    ),
]


@pytest.mark.parametrize(("name", "line", "expect"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_file_line_and_what_to_do(
    name: str, line: int | None, expect: tuple[str, ...]
) -> None:
    with pytest.raises(ImportInputError) as caught:
        import_model([("kubernetes", [BAD / name])])
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (name, line)
    assert problem.hint
    for text in expect:
        assert text in str(caught.value)


def test_missing_empty_and_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ImportInputError, match=re.escape("nope.yaml: file not found")):
        read([tmp_path / "nope.yaml"], ImportOptions())
    with pytest.raises(ImportInputError, match=re.escape("no .yaml, .yml or .json files found in")):
        read([tmp_path], ImportOptions())
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    with pytest.raises(ImportInputError, match="holds no YAML document"):
        read([tmp_path / "empty.yaml"], ImportOptions())


def test_an_unreadable_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.yaml"
    shutil.copy(SHOP / "apps.yaml", locked)

    real_open = os.open

    def refuse(path: str, *args: int) -> int:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", refuse)  # as chmod 0 would, also for root
    with pytest.raises(
        ImportInputError, match=re.escape("locked.yaml: permission denied")
    ) as caught:
        read([locked], ImportOptions())
    assert caught.value.problems[0].hint == "check the file's permissions"


def test_an_unknown_region_is_refused_before_reading() -> None:
    with pytest.raises(ImportInputError, match="unknown aws region 'us-esat-1'"):
        read([SHOP], ImportOptions(region="aws/us-esat-1"))


def test_external_names_and_services_without_workloads(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx\n      env:\n"
        "        - {name: DB_HOST, value: orders-db}\n"
        "        - {name: LEGACY_URL, value: 'http://legacy:8080'}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: orders-db}\n"
        "spec: {type: ExternalName, externalName: orders.abc123.us-east-1.rds.amazonaws.com}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: legacy}\n"
        "spec:\n  ports: [{port: 80}]\n"
    )
    draft = read([tmp_path / "app.yaml"], ImportOptions())
    assert set(draft.parts["web"].depends) == {"orders-db", "legacy"}
    assert draft.parts["orders-db"].kind == "external"
    assert "is an ExternalName for orders.abc123.us-east-1.rds.amazonaws.com" in (
        draft.parts["orders-db"].why
    )
    assert "via Service legacy, which selects no workload" in why(draft, "web", "legacy")
    imported([tmp_path / "app.yaml"])
