"""doctor: each problem found with its fix, against the real local service."""

from __future__ import annotations

import json

import pytest

from ipyinterview import Client, doctor
from ipyinterview.__main__ import main
from ipyinterview.diagnostics import detect_frontend
from ipyinterview.origins import origin_allowed
from ipyinterview.server import LocalService

from .browser.conftest import free_port

LOCAL = ["'self'", "http://localhost:*", "http://127.0.0.1:*", "vscode-webview:"]


@pytest.mark.parametrize(
    ("env", "modules", "expected"),
    [
        ({"COLAB_RELEASE_TAG": "release"}, {}, "Colab"),
        ({}, {"marimo": object()}, "marimo"),
        ({"VSCODE_PID": "1", "JPY_PARENT_PID": "2"}, {}, "VS Code"),
        ({"JPY_SESSION_NAME": "x.ipynb"}, {}, "Jupyter"),
        ({}, {"ipykernel": object()}, "Jupyter"),
        ({}, {}, "none"),
    ],
)
def test_the_front_end_is_told_from_the_environment(
    env: dict, modules: dict, expected: str
) -> None:
    assert detect_frontend(env, modules)[0] == expected


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8888", True),
        ("http://localhost:9999", True),
        ("vscode-webview:", True),
        ("https://127.0.0.1:8888", False),
        ("https://hub.example.org", False),
    ],
)
def test_frame_ancestors_sources_are_matched(origin: str, allowed: bool) -> None:
    assert origin_allowed(origin, LOCAL, "http://127.0.0.1:1") is allowed


def test_a_wildcard_host_source_admits_its_subdomains() -> None:
    sources = ["https://*.example.org"]

    assert origin_allowed("https://hub.example.org", sources, "http://x")
    assert not origin_allowed("https://example.net", sources, "http://x")


def test_local_jupyter_with_the_local_service_is_healthy(client: Client) -> None:
    report = doctor(client=client, notebook_url="http://127.0.0.1:8888/lab", env={})

    assert report.ok, str(report)
    assert report.problems() == []
    names = [check.name for check in report.checks]
    assert names == [
        "front end",
        "service",
        "mixed content",
        "framing",
        "microphone",
        "code isolation",
    ]
    assert f"{client.base_url}/healthz" in str(report)


def test_a_local_service_without_bubblewrap_is_a_warning_with_the_fix(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipyinterview.server import sandbox

    missing = sandbox.Isolation("none", "bubblewrap is not installed")
    monkeypatch.setattr(sandbox, "isolation", lambda: missing)

    report = doctor(client=client, notebook_url="http://127.0.0.1:8888/lab", env={})

    (check,) = [c for c in report.checks if c.name == "code isolation"]
    assert check.status == "warn"
    assert "apt-get install bubblewrap" in check.fix


def test_bubblewrap_without_the_system_call_filter_is_a_warning_with_the_fix(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipyinterview.server import sandbox

    unfiltered = sandbox.Isolation("bubblewrap", "namespaces", filtered=False)
    monkeypatch.setattr(sandbox, "isolation", lambda: unfiltered)

    report = doctor(client=client, notebook_url="http://127.0.0.1:8888/lab", env={})

    (check,) = [c for c in report.checks if c.name == "code isolation"]
    assert check.status == "warn"
    assert "no system call filter" in check.detail
    assert "libseccomp2" in check.fix


def test_a_remote_https_notebook_gets_each_fix(client: Client) -> None:
    report = doctor(client=client, notebook_url="https://hub.example.org/lab", env={})

    found = {check.name: check for check in report.problems()}
    assert not report.ok
    assert found["browser reach"].status == "fail"
    assert "jupyter-server-proxy" in found["browser reach"].fix
    assert found["framing"].status == "fail"
    assert "IPYINTERVIEW_FRAME_ANCESTORS='https://hub.example.org'" in (
        found["framing"].fix
    )
    assert found["mixed content"].status == "warn"


def test_plain_http_on_another_machine_has_no_microphone(client: Client) -> None:
    report = doctor(client=client, notebook_url="http://10.0.0.5:8888/lab", env={})

    microphone = next(c for c in report.checks if c.name == "microphone")
    assert microphone.status == "fail"
    assert 'mode="chat"' in microphone.fix


def test_an_unreachable_service_says_how_to_start_it(service: LocalService) -> None:
    with Client(
        api_key=service.api_key,
        base_url=f"http://127.0.0.1:{free_port()}",
        max_retries=0,
        timeout=2,
    ) as down:
        report = doctor(client=down, env={}, timeout=2)

    check = next(c for c in report.checks if c.name == "service")
    assert check.status == "fail"
    assert "python -m ipyinterview serve" in check.fix
    assert "/healthz" in check.fix


def test_the_command_prints_json_and_fails_on_a_problem(
    service: LocalService,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("IPYINTERVIEW_API_KEY", service.api_key)
    monkeypatch.setenv("IPYINTERVIEW_BASE_URL", service.base_url)

    healthy = main(["doctor", "--json", "--notebook-url", "http://localhost:8888/"])
    printed = json.loads(capsys.readouterr().out)
    broken = main(["doctor", "--notebook-url", "https://hub.example.org/"])
    text = capsys.readouterr().out

    assert healthy == 0
    assert printed["ok"] is True
    assert printed["base_url"] == service.base_url
    assert broken == 1
    assert "[FAIL] framing" in text
    assert "fix: restart the local service" in text
    assert service.api_key not in text


def test_a_mistyped_sandbox_setting_fails_the_isolation_check(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPYINTERVIEW_SANDBOX", "require")

    report = doctor(client=client, notebook_url="http://127.0.0.1:8888/lab", env={})

    (check,) = [c for c in report.checks if c.name == "code isolation"]
    assert check.status == "fail"
    assert "'require'" in check.detail
    assert not report.ok
