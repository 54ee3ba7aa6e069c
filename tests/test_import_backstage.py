"""Backstage catalog files to a model: components, resources, APIs, systems, references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model
from aftershock.importers.backstage import read, resource_kind
from aftershock.importers.draft import Draft

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "import" / "backstage" / "shop"
BAD = FIXTURES / "bad-imports"


def shop() -> Draft:
    return read([SHOP], ImportOptions())


def edges(draft: Draft) -> set[tuple[str, str]]:
    return {(src, dst) for src, part in draft.parts.items() for dst in part.depends}


def imported(*paths: Path) -> str:
    """Return the model text, after checking that it loads, compiles and checks."""
    text = import_model([("backstage", list(paths))])
    aftershock.check(aftershock.compile_model(aftershock.load_model_text(text)))
    return text


def test_a_catalog_folder_becomes_components_and_dependencies() -> None:
    draft = shop()
    assert {n: p.kind for n, p in draft.parts.items()} == {
        "storefront": "service",
        "cart": "service",
        "catalog": "service",
        "public-api": "service",
        "orders-worker": "job",
        "cart-cache": "cache",  # Resource type redis-cache
        "catalog-db": "datastore",
        "orders-db": "datastore",
        "orders-queue": "queue",
        "images": "storage",  # s3-bucket
        "payments-api": "external",  # an API nobody in the catalog provides
    }
    assert edges(draft) == {
        ("storefront", "cart"),  # consumesApis cart-api, provided by cart
        ("storefront", "catalog"),  # consumesApis api:default/catalog-api
        ("cart", "cart-cache"),
        ("cart", "orders-db"),
        ("catalog", "catalog-db"),  # a dependsOn without a kind, resolved by name
        ("catalog", "payments-api"),
        ("orders-worker", "orders-queue"),
        ("orders-worker", "orders-db"),  # orders-db's spec.dependencyOf
        ("public-api", "cart"),
    }
    assert "shared-utils" not in draft.parts  # a library runs inside its users
    assert draft.name == "shop"  # the one System


def test_websites_and_apis_used_from_outside_are_entries() -> None:
    entries = shop().entries
    assert entries == {
        "storefront": "a website (storefront/catalog-info.yaml:9)",
        "public-api": "provides API partner-api, consumed by no one in the catalog: used outside",
    }


def test_descriptions_owners_and_systems_are_kept_as_text() -> None:
    draft = shop()
    cart = draft.parts["cart"]
    assert cart.description == "Shopping carts."
    assert cart.why == "Component component:default/cart, type service (cart/catalog-info.yaml:1)"
    assert cart.notes == ["Backstage: owner team-shop, lifecycle production, system shop"]
    notes = "\n".join(draft.notes)
    assert (
        "system shop (catalog-info.yaml:9): The web shop and its partner API; components cart, "
        "cart-cache, catalog, catalog-db, images, public-api, storefront"
    ) in notes
    assert "domain commerce (catalog-info.yaml:2): systems shop" in notes
    assert "dependencies not modelled: cart -> library shared-utils" in notes
    assert "skipped 1 Group, 1 Location, 1 User entities" in notes
    assert "Location targets are not followed" in notes
    assert "skipped 1 documents that are not Backstage ones" in notes  # the ConfigMap


def test_the_model_names_the_file_and_line_of_each_reference() -> None:
    text = imported(SHOP)
    assert (
        "- orders-db  # spec.dependsOn resource:default/orders-db (cart/catalog-info.yaml:14)"
        in text
    )
    assert (
        "- catalog-db  # spec.dependsOn catalog-db (catalog/catalog-info.yaml:14); no kind: "
        "read as the resource of that name (Backstage needs resource:)"
    ) in text
    assert (
        "- cart  # consumes API cart-api, provided by component:default/cart "
        "(storefront/catalog-info.yaml:14)"
    ) in text
    assert "description: The shop's web front end." in text


def test_a_folder_reads_past_yaml_that_is_not_a_catalog(tmp_path: Path) -> None:
    """shop/deploy/deployment.yaml is a broken Kubernetes template: named alone it is an
    error, in a folder it is not a catalog file."""
    with pytest.raises(ImportInputError, match=r"(?s)YAML syntax error.*render templates first"):
        read([SHOP / "deploy" / "deployment.yaml"], ImportOptions())
    copy = tmp_path / "repo"
    shutil.copytree(SHOP, copy)
    assert edges(read([copy], ImportOptions())) == edges(shop())


def test_one_file_with_references_outside_it(tmp_path: Path) -> None:
    path = tmp_path / "catalog-info.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\n"
        "kind: Component\n"
        "metadata: {name: web, namespace: team-a}\n"
        "spec:\n"
        "  type: service\n"
        "  owner: team-a\n"
        "  dependsOn: [component:auth, sessions, 'resource:shared/users-db']\n"
        "  consumesApis: [billing-api]\n"
    )
    draft = read([path], ImportOptions())
    assert draft.name == tmp_path.name  # a catalog-info.yaml is named after its folder
    assert edges(draft) == {
        ("web", "auth"),
        ("web", "sessions"),
        ("web", "users-db"),
        ("web", "billing-api"),
    }
    why = draft.parts["web"].depends["sessions"].why
    assert why.endswith("not in the input; the reference has no kind")
    assert draft.entries == {}  # the emitter guesses web, the root
    text = imported(path)
    assert "not in the input: a placeholder" in text


def test_entities_sharing_a_name_get_distinct_components(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: orders}\n"
        "spec: {type: service, owner: a, dependsOn: ['resource:orders']}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: orders}\n"
        "spec: {type: database, owner: a}\n"
    )
    draft = read([path], ImportOptions())
    assert edges(draft) == {("orders-component", "orders-resource")}
    assert draft.parts["orders-resource"].kind == "datastore"
    imported(path)


@pytest.mark.parametrize(
    ("kind_type", "expected"),
    [
        ("database", "datastore"),
        ("postgres-db", "datastore"),
        ("s3-bucket", "storage"),
        ("kafka-topic", "queue"),
        ("sqs", "queue"),
        ("redis", "cache"),
        ("dns-zone", "dns"),
        ("kubernetes-cluster", None),
    ],
)
def test_resource_types_map_to_model_kinds(kind_type: str, expected: str | None) -> None:
    assert resource_kind(kind_type) == expected


def test_a_resource_of_unknown_type_is_a_service_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: gke}\n"
        "spec: {type: kubernetes-cluster, owner: platform}\n"
    )
    part = read([path], ImportOptions()).parts["gke"]
    assert part.kind == "service"
    assert "resource type 'kubernetes-cluster': kind guessed as service; set it" in part.notes


def test_a_description_that_looks_like_a_credential_is_withheld(tmp_path: Path) -> None:
    secret = "AKIAIOSFODNN7EXAMPLE"
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata: {{name: api, description: 'key {secret}'}}\n"
        "spec: {type: service, owner: a}\n"
    )
    text = imported(path)
    assert secret not in text
    assert "metadata.description withheld" in text


BAD_CASES = [
    ("backstage-malformed.yaml", 8, ("YAML syntax error", "did not find expected ','")),
    ("backstage-no-entities.yaml", None, ("no Backstage entities in the file", "backstage.io")),
    ("backstage-no-name.yaml", 9, ("a Resource entity without metadata.name",)),
    (
        "backstage-bad-reference.yaml",
        10,
        ("{'kind': 'resource', 'name': 'cache'} in spec.dependsOn is not an entity reference",),
    ),
    (
        "backstage-duplicate.yaml",
        9,
        ("duplicate entity component:default/Cart", "backstage-duplicate.yaml:1"),
    ),
    (
        "backstage-only-people.yaml",
        None,
        ("nothing to model: no Component or Resource entities (found: 1 Group, 1 User)",),
    ),
]


@pytest.mark.parametrize(("name", "line", "expect"), BAD_CASES)
def test_bad_catalog_input_names_the_problem(
    name: str, line: int | None, expect: tuple[str, ...]
) -> None:
    with pytest.raises(ImportInputError) as caught:
        import_model([("backstage", [BAD / name])])
    message = str(caught.value)
    assert str(BAD / name) in message
    if line is not None:
        assert f"{name}:{line}" in message
    for text in expect:
        assert text in message


def test_a_folder_without_catalog_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    with pytest.raises(ImportInputError, match="no Backstage entities in the folders given"):
        read([tmp_path], ImportOptions())
