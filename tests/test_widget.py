"""The widget's Python side: selections, sessions, events and the report."""

from __future__ import annotations

import asyncio
import json

import pytest

from ipyinterview import Client, InterviewRoom
from ipyinterview.errors import ValidationError
from ipyinterview.models import Session, User

from .helpers import Room, read_interview

SOLUTION = read_interview("dsa-1")["problem"]["solutions"]["python"]


def event(room: InterviewRoom, action: str, seq: int, **extra: object) -> None:
    """Deliver a room event as the front end does: a custom message."""
    payload = {"source": "oc-interview", "action": action, **extra}
    room._handle_message(room, {"kind": "event", "seq": seq, "event": payload}, [])


@pytest.fixture
def room(client: Client, user: User) -> InterviewRoom:
    return InterviewRoom(client=client, user=user)


def test_the_catalogue_is_sent_once_and_nothing_is_selected(
    room: InterviewRoom,
) -> None:
    assert room.status == "picking"
    assert room.catalogue["tracks"]
    assert room.interview_id == ""


def test_start_creates_a_session_and_opens_the_room(room: InterviewRoom) -> None:
    room.interview_id = "dsa-1"

    room._handle_message(room, {"kind": "start"}, [])

    assert room.status == "active"
    assert room.session_id
    assert f"/embed/ai-interviewer/{room.session_id}?userApiToken=" in room.room_url
    assert room.room_url.endswith("&interviewEvents=true")


def test_a_start_that_cannot_work_says_why_in_the_widget(room: InterviewRoom) -> None:
    room.interview_id = "k12-math-1"

    room._handle_message(room, {"kind": "start"}, [])

    assert room.status == "picking"
    assert "grade" in room.error


def test_the_python_api_skips_the_picker(client: Client, user: User) -> None:
    room = InterviewRoom(client=client, user=user, interview="beh-1", persona="leo")

    assert room.status == "active"
    assert client.get_session(user.token, room.session_id).persona_id == "leo"


def test_a_bad_selection_in_python_raises_with_the_fix(
    client: Client, user: User
) -> None:
    with pytest.raises(ValidationError, match="Grade 3"):
        InterviewRoom(client=client, user=user, interview="k12-math-1")


def test_equal_events_in_a_row_are_both_recorded(room: InterviewRoom) -> None:
    room.interview_id = "dsa-1"
    room.start()
    seen: list[dict] = []
    room.on("interviewLoaded", seen.append)

    event(room, "interviewLoaded", 1, sessionId=room.session_id)
    event(room, "interviewLoaded", 2, sessionId=room.session_id)

    assert [e["seq"] for e in room.events] == [1, 2]
    assert len(seen) == 2


def test_finishing_fetches_the_report_server_side(room: InterviewRoom) -> None:
    room.interview_id = "dsa-1"
    room.start()
    reports: list[Session] = []
    room.on_finished(reports.append)
    room.on_finished(reports.append)  # registering twice calls once
    driver = Room(room.room_url)
    driver.get("state")
    driver.post("run", {"language": "python", "code": SOLUTION})
    score = driver.post("finish").json()["session"]["score"]

    # The event's own score is ignored: the report is read from the service.
    event(room, "interviewFinished", 3, sessionId=room.session_id, score=1)

    assert room.status == "finished"
    assert room.score == score
    assert len(reports) == 1
    assert reports[0].feedback.score == score
    assert room.report["verdict"]
    assert room.room_url == "", "the token-bearing URL is dropped"


def test_an_event_for_another_session_does_not_finish(room: InterviewRoom) -> None:
    room.interview_id = "beh-1"
    room.start()

    event(room, "interviewFinished", 1, sessionId="someone-else", score=99)

    assert room.status == "active"
    assert room.score is None


def test_the_api_key_is_not_in_widget_state(
    room: InterviewRoom, client: Client
) -> None:
    room.interview_id = "dsa-1"
    room.start()

    state = json.dumps(room.get_state(), default=str)

    assert client.settings.api_key not in state


def test_a_double_click_on_start_opens_one_session(room: InterviewRoom) -> None:
    room.interview_id = "beh-1"

    room._handle_message(room, {"kind": "start"}, [])
    first = room.session_id
    room._handle_message(room, {"kind": "start"}, [])

    assert room.session_id == first


def test_quota_exhausted_is_explained_in_the_widget(client: Client) -> None:
    learner = client.create_user("Qu", "qu@example.com", external_id="widget-quota")
    client.set_plan(learner.token, "free")
    client.create_session(learner.token, "beh-1")
    room = InterviewRoom(client=client, user_token=learner.token)
    room.interview_id = "beh-1"

    room._handle_message(room, {"kind": "start"}, [])

    assert room.status == "picking"
    assert "daily interview quota is used up" in room.error
    assert "resets at 00:00 UTC" in room.error


def test_an_unreachable_service_is_explained_in_the_widget() -> None:
    from ipyinterview.server.process import free_port

    client = Client("key", f"http://127.0.0.1:{free_port()}", max_retries=0)
    room = InterviewRoom(client=client, user_token="t")

    assert room.status == "error"
    assert "cannot be reached" in room.error
    assert "base_url" in room.error


@pytest.mark.anyio
async def test_finished_resolves_with_the_report(room: InterviewRoom) -> None:
    room.interview_id = "beh-1"
    room.start()
    waiting = room.finished()
    driver = Room(room.room_url)
    driver.get("state")
    driver.post("finish")

    event(room, "interviewFinished", 1, sessionId=room.session_id)
    session = await asyncio.wait_for(waiting, timeout=5)
    again = await room.finished()

    assert session.completed
    assert again is session
    assert "<table" in room._repr_html_()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_two_rooms_in_one_notebook_stay_independent(client: Client, user: User) -> None:
    first = InterviewRoom(client=client, user=user, interview="beh-1")
    second = InterviewRoom(client=client, user=user, interview="beh-1")

    event(first, "interviewLoaded", 1, sessionId=first.session_id)

    assert first.session_id != second.session_id
    assert len(first.events) == 1
    assert second.events == []


def test_a_session_created_elsewhere_opens_in_the_widget(
    client: Client, user: User
) -> None:
    created = client.create_session(user.token, "dsa-1", persona_id="leo", mode="chat")
    room = InterviewRoom(client=client, user=user)

    room.open_session(created)

    assert room.status == "active"
    assert room.session_id == created.session.id
    assert room.interview_id == "dsa-1"
    assert room.room_url == created.room_url(user.token)


def test_the_user_token_is_never_widget_state(room: InterviewRoom, user: User) -> None:
    room.interview_id = "dsa-1"
    room.start()

    state = json.dumps(room.get_state(), default=str)

    assert room.room_url
    assert user.token not in state
    assert "userApiToken" not in state


def test_a_room_finished_in_another_tab_is_picked_up_on_return(
    room: InterviewRoom,
) -> None:
    room.interview_id = "beh-1"
    room.start()
    reports: list[Session] = []
    room.on_finished(reports.append)
    Room(room.room_url).post("finish")  # as the room in a tab of its own would

    room._handle_message(room, {"kind": "refresh"}, [])

    assert room.status == "finished"
    assert len(reports) == 1
