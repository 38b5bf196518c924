"""The service fuzzed from its own OpenAPI document, over HTTP on 127.0.0.1.

schemathesis generates requests for every operation the document describes,
the /v1 API and the room's endpoints alike: valid and invalid bodies, path and
query parameters and headers. Each response must not be a server error, must
match what the document says of that operation (status, content type, body
schema), and a 4xx must carry the error shape: JSON with ``status: "failed"``,
a machine ``code`` and a ``message``.

Each operation is fuzzed twice: as a known caller (a valid API key and user
token; the room's own token on its session) and as whoever the generator makes
up (keys and tokens missing or garbage), which must never be let in.

Profiles (environment variable IPYINTERVIEW_FUZZ):

- ``ci`` (default): a fixed number of examples per operation, seeded and
  derandomized, so a CI run is the same run every time;
- ``deep``: many more examples and a fresh seed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

# Schema-valid is not service-valid: an interviewId, a persona or a plan the
# schema types as any string must also exist, so such a 400 or 404 is right.
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService, api, room, room_capture

from ..helpers import Room

PROFILE = os.environ.get("IPYINTERVIEW_FUZZ", "ci")
if PROFILE not in ("ci", "deep"):
    raise ValueError(f"IPYINTERVIEW_FUZZ={PROFILE!r}: use 'ci' (the default) or 'deep'")
DEEP = PROFILE == "deep"
#: Generated examples per operation and test, in each profile.
EXAMPLES = 400 if DEEP else 40
SEED = None if DEEP else 20_240_611

#: Cases sent and server errors seen, over this module's tests.
tally: Counter[str] = Counter()

ROOM_PAGE = re.compile(r'id="room-config" type="application/json">(.*?)</script>')


@schemathesis.serializer("audio/wav")
def _recorded_answer(_context: Any, value: Any) -> bytes:
    # The room's recorded answers: whatever the generator made, as raw bytes
    # (mostly not WAV at all, which the room must refuse in words).
    return value if isinstance(value, bytes) else str(value).encode()


def fuzz_config() -> schemathesis.Config:
    """Return the schemathesis configuration of the chosen profile."""
    return schemathesis.Config.from_dict(
        {
            **({} if SEED is None else {"seed": SEED}),
            "generation": {"max-examples": EXAMPLES, "deterministic": not DEEP},
            # A body over the size limit is refused before it is read: 413.
            "checks": {
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 409, 413]
                }
            },
        }
    )


def routes() -> list[tuple[str, str]]:
    """Return (method, path) of every operation the service documents."""
    found = []
    for router in (api.router, room.router, room_capture.router):
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                found += [(method, route.path) for method in sorted(route.methods)]
    return found


API = [route for route in routes() if route[1].startswith("/v1/")]
ROOM = [route for route in routes() if route[1].startswith("/embed/")]


def params(found: list[tuple[str, str]]) -> list[Any]:
    """Return pytest parameters named like the operations, e.g. "POST /v1/users"."""
    return [pytest.param(method, path, id=f"{method} {path}") for method, path in found]


ROOM_PAGE_PATH = "/embed/ai-interviewer/{session_id}"


@pytest.fixture(scope="module")
def api_document(service: LocalService) -> Any:
    """The service's OpenAPI document, as schemathesis loads it over HTTP."""
    return schemathesis.openapi.from_url(
        f"{service.base_url}/openapi.json", config=fuzz_config()
    )


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=not DEEP,
    deadline=None,
    database=None,
    # A request is a round trip to a real server: slower than Hypothesis
    # expects of a test body, which is not a fault of the generator.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def fuzz(document: Any, method: str, path: str, **fixed: Any) -> None:
    """Send generated requests (valid and invalid) to one operation; check each.

    Args:
        document: the loaded OpenAPI document.
        method: the operation's method.
        path: the operation's path template.
        fixed: headers, path_parameters or query the generator must not vary.
    """
    operation = document[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, **fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, **fixed),
    )

    @FUZZ_SETTINGS
    @given(case=cases)
    def run(case: Any) -> None:
        send(case, refused=not fixed.get("headers"))

    run()


@pytest.fixture(scope="module")
def fuzz_user(service: LocalService) -> Iterator[tuple[Client, User]]:
    """A user of the service's account, for the calls made with valid auth."""
    with Client(api_key=service.api_key, base_url=service.base_url) as client:
        user = client.create_user("Fuzz", "fuzz@example.com", external_id="fuzz")
        yield client, user


@pytest.fixture(scope="module")
def fuzz_rooms(fuzz_user: tuple[Client, User]) -> dict[str, Room]:
    """Rooms to fuzz: a coding interview, and one that fuzzing may finish."""
    client, user = fuzz_user
    rooms = {}
    for name in ("coding", "finishing"):
        created = client.create_session(user.token, "dsa-1", mode="chat")
        rooms[name] = Room(created.room_url(user.token))
    return rooms


@pytest.fixture(scope="module", autouse=True)
def _report_cases(figures: ModuleType) -> Iterator[None]:
    yield
    figures.record(
        "Fuzzing",
        f"Generated requests, {PROFILE} profile (tests/server/test_fuzz.py)",
        tally["cases"],
        target="no 5xx; every 4xx in the error shape",
        met=tally["server errors"] == 0 and tally["cases"] > 0,
    )


def check_error_shape(case: Any, response: Any) -> None:
    """Assert that a 4xx says what went wrong in the service's error shape."""
    if not 400 <= response.status_code < 500:
        return
    if case.operation.path == ROOM_PAGE_PATH:
        # The room's page answers people in an iframe: a page, whose
        # configuration carries the code beside the message it shows.
        found = ROOM_PAGE.search(response.text)
        assert found, f"{response.status_code} page without its configuration"
        config = json.loads(found.group(1))
        assert config["code"], config
        assert config["error"], config
        return
    assert response.headers["content-type"][0].startswith("application/json")
    body = response.json()
    assert body["status"] == "failed", body
    assert isinstance(body["code"], str), body
    assert re.fullmatch(r"[a-z_]+", body["code"]), body
    assert isinstance(body["message"], str), body
    assert body["message"], body


def send(case: Any, *, refused: bool) -> Any:
    """Send the case, count it, and run schemathesis's checks and ours on it.

    Args:
        case: the generated request.
        refused: the request has no valid credential, so must not succeed.
    """
    response = case.call(timeout=30)
    tally["cases"] += 1
    if response.status_code >= 500:
        tally["server errors"] += 1
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    check_error_shape(case, response)
    if refused:
        assert response.status_code >= 400, "no credential, no answer"
    return response


@pytest.mark.parametrize(("method", "path"), params(API))
def test_the_api_as_a_known_caller(
    api_document: Any, fuzz_user: tuple[Client, User], method: str, path: str
) -> None:
    client, user = fuzz_user
    headers = {"X-API-Key": client.settings.api_key, "X-User-Token": user.token}
    fuzz(api_document, method, path, headers=headers)


@pytest.mark.parametrize(("method", "path"), params(API))
def test_the_api_refuses_missing_and_garbage_keys(
    api_document: Any, method: str, path: str
) -> None:
    fuzz(api_document, method, path)


@pytest.mark.parametrize(("method", "path"), params(ROOM))
def test_the_room_as_its_own_page(
    api_document: Any,
    fuzz_rooms: dict[str, Room],
    fuzz_user: tuple[Client, User],
    method: str,
    path: str,
) -> None:
    room = fuzz_rooms["finishing" if path.endswith("/finish") else "coding"]
    fixed: dict[str, Any] = {
        "path_parameters": {"session_id": room.config["sessionId"]},
        "headers": room.headers,
    }
    if path == ROOM_PAGE_PATH:
        fixed["query"] = {"userApiToken": fuzz_user[1].token}
    fuzz(api_document, method, path, **fixed)


@pytest.mark.parametrize(("method", "path"), params(ROOM))
def test_the_room_refuses_missing_and_garbage_tokens(
    api_document: Any, method: str, path: str
) -> None:
    fuzz(api_document, method, path)


def test_every_documented_operation_is_fuzzed(api_document: Any) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in api_document.raw_schema["paths"].items()
        for method in operations
    }
    assert documented == set(API + ROOM)


def test_fuzzed_sessions_still_read_back_and_take_answers(
    fuzz_user: tuple[Client, User], fuzz_rooms: dict[str, Room]
) -> None:
    client, user = fuzz_user
    room = fuzz_rooms["coding"]
    session_id = room.config["sessionId"]

    assert client.get_session(user.token, session_id).id == session_id
    state = room.get("state")
    assert state.status_code == 200, state.text
    assert state.json()["session"]["_id"] == session_id

    if state.json()["session"]["status"] == "active":
        answered = room.post("answer", {"text": "A hash map from value to index."})
        assert answered.status_code in (200, 409), answered.text
    draft = room.post("draft", {"answer": "kept after fuzzing"})
    if draft.status_code == 200:
        assert room.get("state").json()["draft"]["answer"] == "kept after fuzzing"
    assert tally["server errors"] == 0


def test_the_document_describes_the_errors_really_answered(
    service: LocalService,
) -> None:
    document = httpx.get(f"{service.base_url}/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, f"{method} {path} documents FastAPI's 422"
            if operation.get("requestBody"):
                assert {"400", "413"} <= set(responses), f"{method} {path}"
    assert "HTTPValidationError" not in document["components"]["schemas"]
