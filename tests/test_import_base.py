"""The importers' shared base: drafts, merging, the commented emitter and secret handling."""

from __future__ import annotations

import pytest

import aftershock
from aftershock.errors import AftershockError, ImportInputError
from aftershock.importers import reader
from aftershock.importers.draft import Draft, clean_name, merge
from aftershock.importers.emit import emit, scalar
from aftershock.importers.secrets import describe_env, looks_secret, redact


def shop() -> Draft:
    draft = Draft(name="shop", sources=["kubernetes: shop.yaml"])
    draft.part("frontend", "Deployment frontend (shop.yaml:3)")
    draft.part("cart", "Deployment cart (shop.yaml:40)", deploy=[{"on": "aws/us-east-1"}])
    draft.depend("frontend", "cart", "env " + describe_env("CART_ADDR", "cart:7070"))
    draft.entry("frontend", "Service frontend-external is a LoadBalancer (shop.yaml:90)")
    return draft


def test_emitted_model_is_valid_commented_and_checkable() -> None:
    text = emit(shop())
    model = aftershock.load_model_text(text, "shop.yaml")
    assert model.components["frontend"].depends_on[0].on == "cart"
    assert "  frontend:  # Deployment frontend (shop.yaml:3)" in text
    assert "- cart  # env CART_ADDR=cart:7070" in text
    assert "# deploy: unknown: the input does not say where it runs" in text
    assert "deploy: {on: aws/us-east-1}" in text
    assert model.business_services["frontend"].entry == ["frontend"]
    aftershock.check(aftershock.compile_model(model))


def test_a_reference_outside_the_input_becomes_a_placeholder() -> None:
    draft = shop()
    draft.depend("cart", "payments.example.com", "env PAYMENTS_URL=https://payments.example.com")
    text = emit(draft)
    model = aftershock.load_model_text(text)
    assert model.components["payments.example.com"].kind == "external"
    assert "# not in the input: a placeholder for what cart call(s)" in text


def test_entries_are_guessed_from_roots_when_the_input_names_none() -> None:
    draft = shop()
    draft.entries.clear()
    model = aftershock.load_model_text(emit(draft))
    assert list(model.business_services) == ["frontend"]


def test_secrets_are_withheld_and_the_emitter_refuses_to_leak() -> None:
    draft = shop()
    url = "postgres://app:S3cretPassw0rd@db:5432/app"
    draft.secret("S3cretPassw0rd")
    draft.depend("cart", "db", "env " + describe_env("DATABASE_URL", url))
    text = emit(draft)
    assert "S3cretPassw0rd" not in text and "DATABASE_URL (value withheld" in text
    leaky = shop()
    leaky.secret("hunter2-long-secret")
    leaky.parts["cart"].description = "password is hunter2-long-secret"
    with pytest.raises(AftershockError, match="about to write a secret"):
        emit(leaky)


def test_merge_keeps_first_facts_and_combines_dependencies() -> None:
    traces = Draft(name="traces", sources=["traces: spans.json"])
    traces.part("frontend", "service frontend in 120 spans")
    traces.part("cart", "service cart", deploy=[{"on": "aws/eu-west-1"}])
    traces.depend("frontend", "cart", "120 calls", calls=120)
    traces.part("ads", "service ads")
    traces.depend("frontend", "ads", "3 calls", calls=3)
    merged = merge([shop(), traces])
    assert merged.parts["cart"].deploy == [{"on": "aws/us-east-1"}]  # the first input wins
    assert set(merged.parts["frontend"].depends) == {"cart", "ads"}
    assert merged.parts["frontend"].depends["cart"].calls == 120
    assert "also service frontend in 120 spans" in merged.parts["frontend"].notes
    assert merged.sources == ["kubernetes: shop.yaml", "traces: spans.json"]


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("DB_PASSWORD", "hunter2", True),
        ("API_KEY", "abc", True),
        ("CART_ADDR", "cart:7070", False),
        ("DATABASE_URL", "postgres://app:pw@db/app", True),
        ("REDIS_URL", "redis://redis:6379", False),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", True),
        ("SOMETHING", "AKIAIOSFODNN7EXAMPLE", True),
        (
            "SESSION",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
            True,
        ),
        ("LOG_LEVEL", "debug", False),
        ("DB_PASSWORD", "${DB_PASSWORD}", False),
        ("BLOB", "q8Zr2LmX9vT4kP1wN7sY3bHc6JdF0gQe", True),
    ],
)
def test_looks_secret(name: str, value: str, secret: bool) -> None:
    assert looks_secret(name, value) is secret


def test_addresses_lose_their_credentials() -> None:
    assert redact("https://user:pw@api.example.com/v1?k=1") == (
        "https://user:(withheld)@api.example.com/v1?k=1"
    )
    assert redact("cart:7070") == "cart:7070"


def test_names_and_scalars() -> None:
    assert clean_name("svc/cart service") == "svc-cart-service"
    assert clean_name("--") == "unnamed"
    assert scalar({"on": "aws/us-east-1", "zones": 2}) == "{on: aws/us-east-1, zones: 2}"
    assert scalar("no") == "'no'" and scalar("yes") == "'yes'"


def test_unknown_format_is_named() -> None:
    with pytest.raises(ImportInputError, match="unknown import format 'kubernets'; did you mean"):
        reader("kubernets")
