"""aftershock import as a user runs it: real processes, files written, errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

import aftershock
from realworld import realworld
from test_cli import run

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_import_writes_a_model_that_checks(tmp_path: Path) -> None:
    target = tmp_path / "model.yaml"
    out = run(
        "import",
        "kubernetes",
        str(FIXTURES / "kubernetes"),
        "--region",
        "aws/us-east-1",
        "-o",
        str(target),
    )
    assert out.returncode == 0, out.stderr
    assert f"wrote {target}" in out.stderr and "Next: aftershock check" in out.stderr
    model = aftershock.load_model(target)
    assert model.components
    check = run("check", str(target), "--format", "json")
    assert check.returncode == 0, check.stderr


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "model.yaml"
    target.write_text("# mine\n")
    out = run("import", "kubernetes", str(FIXTURES / "kubernetes"), "-o", str(target))
    assert out.returncode == 2 and "exists; not overwriting it" in out.stderr
    assert target.read_text() == "# mine\n"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (
            ("import", "kubernets", "x.yaml"),
            "unknown import format 'kubernets'; did you mean 'kubernetes'?",
        ),
        (("import", "kubernetes", "no-such-dir"), "no-such-dir: file not found"),
        (
            ("import", "kubernetes", str(FIXTURES / "kubernetes"), "--region", "aws/us-esat-1"),
            "did you mean 'us-east-1'?",
        ),
        (
            ("import", "kubernetes", str(FIXTURES / "kubernetes"), "--add", "traces"),
            "--add 'traces' is not FORMAT=PATH",
        ),
        (("import", "aws"), "no AWS region given"),
    ],
)
def test_bad_import_arguments_exit_2(args: tuple[str, ...], text: str) -> None:
    out = run(*args)
    assert out.returncode == 2, out.stderr
    assert text in out.stderr and "Traceback" not in out.stderr


def test_manifests_and_traces_merge_into_one_model(tmp_path: Path) -> None:
    manifests = realworld("kubernetes", "online-boutique", "kubernetes-manifests.yaml")
    spans = realworld("traces", "nezha-online-boutique", "17_00_trace.csv")
    target = tmp_path / "boutique.yaml"
    out = run("import", "kubernetes", str(manifests), "--add", f"traces={spans}", "-o", str(target))
    assert out.returncode == 0, out.stderr
    text = target.read_text()
    model = aftershock.load_model_text(text)
    assert {d.on for d in model.components["frontend"].depends_on} >= {
        "productcatalogservice",
        "currencyservice",
        "cartservice",
        "checkoutservice",
    }
    assert "(2343 calls)" in text  # frontend -> productcatalogservice, counted from the spans
    assert "kubernetes-manifests.yaml:75" in text  # and where the manifests say it
