"""The sync and async clients against the real local service."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest

from ipyinterview import AsyncClient, Client
from ipyinterview.errors import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    QuotaExceededError,
    ValidationError,
)
from ipyinterview.models import User
from ipyinterview.server import LocalService


class Recording(httpx.HTTPTransport):
    """The real transport, remembering which requests went out."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return super().handle_request(request)


def test_a_session_is_created_and_read(client: Client, user: User) -> None:
    created = client.create_session(user.token, "dsa-1", persona_id="leo", mode="chat")

    session = client.get_session(user.token, created.session.id)

    assert created.embed_url.startswith(client.base_url)
    assert session.status == "active"
    assert session.persona_id == "leo"
    assert session.feedback is None


@pytest.mark.parametrize(
    ("interview", "kwargs", "words"),
    [
        ("nope-1", {}, "no interview 'nope-1'"),
        ("k12-math-1", {}, "pass grade="),
        ("k12-math-1", {"grade": "Grade 99"}, "choose one of .*Grade 3"),
        ("dsa-1", {"persona_id": "bob"}, "maya"),
        ("dsa-1", {"mode": "video"}, "voice, chat"),
    ],
)
def test_bad_arguments_raise_before_any_post(
    service: LocalService, user: User, interview: str, kwargs: dict, words: str
) -> None:
    transport = Recording()
    client = Client(service.api_key, service.base_url, transport=transport)
    with client, pytest.raises(ValidationError, match=words):
        client.create_session(user.token, interview, **kwargs)

    assert [m for m, _ in transport.sent] == ["GET"]


def test_a_wrong_key_raises_a_typed_error_with_the_status(
    service: LocalService,
) -> None:
    client = Client(api_key="wrong", base_url=service.base_url)
    with client, pytest.raises(AuthenticationError) as caught:
        client.catalogue()

    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key"
    assert "X-API-Key" in caught.value.message


def test_another_users_session_is_not_found(client: Client, user: User) -> None:
    created = client.create_session(user.token, "dsa-1")
    other = client.create_user("Bo", "bo@example.com", external_id="bo")

    with pytest.raises(NotFoundError) as caught:
        client.get_session(other.token, created.session.id)

    assert caught.value.code == "session_not_found"


def test_quota_exceeded_says_when_it_resets(client: Client) -> None:
    learner = client.create_user("Cy", "cy@example.com", external_id="cy")
    client.set_plan(learner.token, "free")
    client.create_session(learner.token, "beh-1")

    with pytest.raises(QuotaExceededError) as caught:
        client.create_session(learner.token, "beh-1")

    assert caught.value.resets_at is not None
    assert caught.value.resets_at.hour == 0
    assert caught.value.request_id, "errors keep the response's request id"


def test_a_base_url_without_a_key_says_what_to_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match="IPYINTERVIEW_API_KEY"):
        Client(base_url="https://onecompiler.com")


def test_a_key_alone_means_the_hosted_service() -> None:
    with Client(api_key="k") as client:
        assert client.base_url == "https://onecompiler.com"
        assert not client.is_local


def test_no_key_starts_the_embedded_service() -> None:
    with Client() as client:
        catalogue = client.catalogue()

    assert client.is_local
    assert client.base_url.startswith("http://127.0.0.1:")
    assert catalogue.tracks


def test_loopback_bypasses_proxy_settings(service: LocalService, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")

    with Client(service.api_key, service.base_url) as client:
        assert client.catalogue().personas


@pytest.mark.anyio
async def test_the_async_twin_does_the_same(service: LocalService) -> None:
    async with AsyncClient(service.api_key, service.base_url) as client:
        user = await client.create_user("Di", "di@example.com", external_id="di")
        created = await client.create_session(user.token, "sd-1", mode="chat")
        session = await client.get_session(user.token, created.session.id)
        with pytest.raises(ValidationError):
            await client.create_session(user.token, "k12-math-1")

    assert session.interview_id == "sd-1"


@pytest.mark.anyio
async def test_the_sync_client_works_inside_a_running_loop(
    service: LocalService,
) -> None:
    with Client(service.api_key, service.base_url) as sync:
        personas = sync.catalogue().personas
    async with AsyncClient(service.api_key, service.base_url) as client:
        catalogue = await client.catalogue()

    assert [p.id for p in catalogue.personas] == [p.id for p in personas]


# The misuse itself strands a socket of the dead loop; collect it inside this test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_async_client_used_after_its_loop_closed_says_so(
    service: LocalService,
) -> None:
    client = AsyncClient(service.api_key, service.base_url)
    asyncio.run(client.catalogue())

    with pytest.raises(APIConnectionError, match="event loop closed"):
        asyncio.run(client.catalogue(refresh=True))

    del client
    gc.collect()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_fetch_reports_keeps_order_and_reports_failures_per_item(
    client: Client, user: User
) -> None:
    ids = [client.create_session(user.token, "beh-1").session.id for _ in range(5)]
    wanted = [ids[0], "no-such-session", *ids[1:]]

    results = client.fetch_reports(
        wanted, user_token=user.token, concurrency=3, progress=False
    )

    assert [r.session_id for r in results] == wanted
    assert [r.ok for r in results] == [True, False, True, True, True, True]
    assert isinstance(results[1].error, NotFoundError)
    assert [r.session.id for r in results if r.ok] == ids


@pytest.mark.anyio
async def test_async_fetch_reports_takes_token_and_id_pairs(
    service: LocalService, client: Client, user: User
) -> None:
    ids = [client.create_session(user.token, "beh-1").session.id for _ in range(4)]
    pairs = [(user.token, session_id) for session_id in ids] + [("bad-token", ids[0])]

    async with AsyncClient(service.api_key, service.base_url) as aclient:
        results = await aclient.fetch_reports(pairs, concurrency=2, progress=False)

    assert [r.session_id for r in results] == [*ids, ids[0]]
    assert [r.ok for r in results] == [True, True, True, True, False]
    assert isinstance(results[-1].error, AuthenticationError)


def test_bare_ids_need_a_user_token(client: Client) -> None:
    with pytest.raises(ValidationError, match="user_token"):
        client.fetch_reports(["s1"], progress=False)


def test_with_options_changes_one_call_and_shares_connections(client: Client) -> None:
    patient = client.with_options(timeout=120, max_retries=5)

    assert patient.settings.max_retries == 5
    assert patient.settings.timeout.read == 120
    assert client.settings.max_retries == 2
    assert patient._http is client._http


def test_a_grade_for_an_interview_without_grades_is_refused(
    client: Client, user: User
) -> None:
    with pytest.raises(ValidationError, match="not grade-adaptive"):
        client.create_session(user.token, "dsa-1", grade="Grade 3")


def test_wait_for_report_needs_a_positive_timeout(client: Client, user: User) -> None:
    with pytest.raises(ValidationError, match="positive"):
        client.wait_for_report(user.token, "s1", timeout=-1)


def test_the_created_session_says_what_was_asked(client: Client, user: User) -> None:
    created = client.create_session(user.token, "beh-1", persona_id="alex", mode="chat")

    assert (created.session.persona_id, created.session.mode) == ("alex", "chat")
