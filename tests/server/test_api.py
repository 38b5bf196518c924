"""The /v1 API of the local service, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import httpx
import pytest

from ipyinterview.server import LocalService

DATA_KEYS = {"status", "personas", "tracks", "interviews"}


def call(
    service: LocalService,
    method: str,
    path: str,
    *,
    key: str | None = "default",
    token: str | None = None,
    **kwargs: Any,
) -> httpx.Response:
    headers = kwargs.pop("headers", {})
    if key is not None:
        headers["X-API-Key"] = service.api_key if key == "default" else key
    if token is not None:
        headers["X-User-Token"] = token
    return httpx.request(method, service.base_url + path, headers=headers, **kwargs)


def create(service: LocalService, token: str, **kwargs: Any) -> httpx.Response:
    """POST /v1/ai-interviewer/sessions as the user of ``token``."""
    return call(service, "POST", "/v1/ai-interviewer/sessions", token=token, **kwargs)


def new_user(service: LocalService, external_id: str, email: str | None = None) -> dict:
    body = {
        "name": "Ada",
        "email": email or f"{external_id}@example.com",
        "externalId": external_id,
    }
    response = call(service, "POST", "/v1/users", json=body)
    assert response.status_code == 200, response.text
    return response.json()["user"]


def test_catalogue_has_the_seed_shape(service: LocalService) -> None:
    body = call(service, "GET", "/v1/ai-interviewer/catalogue").json()

    assert set(body) == DATA_KEYS
    assert body["status"] == "success"
    assert {p["id"] for p in body["personas"]} >= {"maya", "alex", "leo"}
    assert all(set(t) == {"id", "cat", "name"} for t in body["tracks"])
    cards = [card for items in body["interviews"].values() for card in items]
    required = {"id", "title", "level", "mins", "kind", "skills", "blurb", "hasProblem"}
    assert all(required <= set(card) <= required | {"grades"} for card in cards)
    kinds = {card["kind"] for card in cards}
    assert {"code", "design", "behavioural", "k12"} <= kinds
    assert any(card.get("grades") for card in cards)


@pytest.mark.parametrize(
    ("key", "code"), [(None, "missing_api_key"), ("nope", "invalid_api_key")]
)
def test_a_missing_or_wrong_key_is_401(
    service: LocalService, key: str | None, code: str
) -> None:
    response = call(service, "GET", "/v1/ai-interviewer/catalogue", key=key)

    assert response.status_code == 401
    assert response.json()["status"] == "failed"
    assert response.json()["code"] == code


def test_syncing_a_user_again_returns_the_same_user_and_token(
    service: LocalService,
) -> None:
    first = new_user(service, "sync-1")
    again = new_user(service, "sync-1")

    assert again["_id"] == first["_id"]
    assert again["api"]["token"] == first["api"]["token"]
    assert first["externalId"] == "sync-1"


def test_a_session_is_readable_only_by_its_own_user(service: LocalService) -> None:
    owner = new_user(service, "owner")["api"]["token"]
    other = new_user(service, "other")["api"]["token"]
    created = create(
        service,
        owner,
        json={"interviewId": "dsa-1", "mode": "chat"},
    ).json()
    path = f"/v1/ai-interviewer/sessions/{created['session']['_id']}"

    mine = call(service, "GET", path, token=owner)
    theirs = call(service, "GET", path, token=other)

    assert mine.status_code == 200
    assert mine.json()["session"]["status"] == "active"
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "session_not_found"


def test_created_session_has_the_seed_shape(service: LocalService) -> None:
    token = new_user(service, "shape")["api"]["token"]

    body = create(
        service,
        token,
        json={"interviewId": "dsa-1"},
    ).json()

    assert set(body) == {"status", "session", "embedUrl"}
    assert set(body["session"]) == {"_id", "interviewId", "status"}
    assert (
        body["embedUrl"]
        == f"{service.base_url}/embed/ai-interviewer/{body['session']['_id']}"
    )


def test_a_token_of_another_account_is_403(
    service: LocalService, tmp_path: Any
) -> None:
    other_key = "oc_local_other_account_key"
    service.add_account(other_key)
    token = new_user(service, "acct")["api"]["token"]

    response = call(service, "GET", "/v1/ai-interviewer/catalogue", key=other_key)
    denied = call(
        service,
        "POST",
        "/v1/ai-interviewer/sessions",
        key=other_key,
        token=token,
        json={"interviewId": "dsa-1"},
    )

    assert response.status_code == 200
    assert denied.status_code == 403
    assert denied.json()["code"] == "user_of_another_account"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"interviewId": "nope"}, 404, "interview_not_found"),
        ({"interviewId": "dsa-1", "personaId": "bob"}, 400, "unknown_persona"),
        ({"interviewId": "dsa-1", "mode": "video"}, 400, "unknown_mode"),
        ({"interviewId": "k12-math-1"}, 400, "grade_required"),
        ({"interviewId": "k12-math-1", "grade": "Grade 99"}, 400, "unknown_grade"),
        ({}, 400, "invalid_request"),
    ],
)
def test_bad_session_requests_say_what_to_do(
    service: LocalService, body: dict, status: int, code: str
) -> None:
    token = new_user(service, f"bad-{code}")["api"]["token"]

    response = create(service, token, json=body)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]
    if code.endswith("grade") or code == "grade_required":
        assert "Grade 3" in response.json()["message"]


def test_a_user_needs_a_real_email(service: LocalService) -> None:
    body = {"name": "Ada", "email": "not-an-email"}

    response = call(service, "POST", "/v1/users", json=body)

    assert response.status_code == 400
    assert "email" in response.json()["message"]


def test_malformed_json_is_400(service: LocalService) -> None:
    token = new_user(service, "malformed")["api"]["token"]

    response = create(
        service,
        token,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_a_plan_sets_the_daily_quota(service: LocalService) -> None:
    token = new_user(service, "quota")["api"]["token"]
    plan = call(service, "PUT", "/v1/users/plan", token=token, json={"plan": "free"})
    body = {"interviewId": "beh-1", "mode": "chat"}

    first = create(service, token, json=body)
    second = create(service, token, json=body)

    assert plan.json()["user"]["plan"] == "free"
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json()["code"] == "quota_exceeded"
    assert second.json()["resetsAt"].endswith("T00:00:00Z")


def test_an_unknown_plan_lists_the_plans(service: LocalService) -> None:
    token = new_user(service, "plan")["api"]["token"]

    response = call(
        service, "PUT", "/v1/users/plan", token=token, json={"plan": "gold"}
    )

    assert response.status_code == 400
    assert "unlimited" in response.json()["message"]


def test_an_idempotency_key_returns_the_first_session(service: LocalService) -> None:
    token = new_user(service, "idem")["api"]["token"]
    headers = {"Idempotency-Key": "retry-me"}
    body = {"interviewId": "dsa-1"}

    first = create(service, token, json=body, headers=dict(headers)).json()
    again = create(service, token, json=body, headers=dict(headers)).json()

    assert again["session"]["_id"] == first["session"]["_id"]


def test_a_body_over_the_limit_is_413(service: LocalService) -> None:
    token = new_user(service, "big")["api"]["token"]

    response = create(
        service,
        token,
        content=json.dumps({"interviewId": "x" * 2_000_000}),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_the_openapi_document_lists_the_api(service: LocalService) -> None:
    paths = httpx.get(service.base_url + "/openapi.json").json()["paths"]

    assert {
        "/v1/ai-interviewer/catalogue",
        "/v1/users",
        "/v1/users/plan",
        "/v1/ai-interviewer/sessions",
        "/v1/ai-interviewer/sessions/{session_id}",
    } <= set(paths)


def test_responses_are_not_held_back_by_nagles_algorithm(service: LocalService) -> None:
    # A stalled response waits for the peer's delayed ACK: about 40 ms each.
    with httpx.Client(base_url=service.base_url) as http:
        http.get("/healthz")
        times = []
        for _ in range(15):
            start = time.perf_counter()
            http.get("/healthz")
            times.append(time.perf_counter() - start)

    assert statistics.median(times) < 0.02
