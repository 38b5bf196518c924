"""A classroom against the real local service: users, assignments, rooms, grades."""

from __future__ import annotations

import pandas as pd
import pytest

from ipyinterview import Client
from ipyinterview.classroom import Classroom, ClassroomError
from ipyinterview.errors import ValidationError

from .conftest import sit


def test_syncing_twice_gives_the_same_users(client: Client, roster) -> None:
    first = Classroom(roster, client=client).sync()
    again = Classroom(roster, client=client).sync()

    assert [u.id for u in first] == [u.id for u in again]
    assert len({u.id for u in first}) == 3
    assert [u.external_id for u in first] == list(roster["external_id"])


def test_a_bad_choice_is_refused_before_anything_is_sent(
    client: Client, roster
) -> None:
    classroom = Classroom(roster, client=client)

    with pytest.raises(ValidationError, match="grade-adaptive"):
        classroom.assign("k12-math-1")
    with pytest.raises(ValidationError, match="persona_id must be one of"):
        classroom.assign("beh-1", persona="nobody")

    assert classroom.users == {}
    assert classroom.assignments == {}


def test_assign_gives_each_student_a_session_and_a_link(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)

    assignments = classroom.assign("beh-1", persona="leo")
    links = classroom.links()

    assert [a.student.external_id for a in assignments] == list(roster["external_id"])
    assert len({a.session_id for a in assignments}) == 3
    assert list(links["session_id"]) == [a.session_id for a in assignments]
    for assignment, url in zip(assignments, links["room_url"], strict=True):
        token = classroom.users[assignment.student.external_id].token
        assert f"/embed/ai-interviewer/{assignment.session_id}?userApiToken=" in url
        assert token in url
        assert token not in repr(assignment)
        served = client.get_session(token, assignment.session_id)
        assert (served.interview_id, served.persona_id) == ("beh-1", "leo")


def test_assigning_again_keeps_the_sessions(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)

    first = classroom.assign("beh-1")
    again = classroom.assign("beh-1")

    assert [a.session_id for a in first] == [a.session_id for a in again]


def test_a_student_over_quota_does_not_lose_the_others(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    users = classroom.sync()
    client.set_plan(users[1].token, "free")
    classroom.assign("beh-1")

    with pytest.raises(ClassroomError) as caught:
        classroom.assign("beh-2")

    key = roster["external_id"][1]
    assert list(caught.value.failures) == [key]
    assert "call it again to retry only these" in str(caught.value)
    interviews = {k: a.interview_id for k, a in classroom.assignments.items()}
    assert interviews == {
        roster["external_id"][0]: "beh-2",
        key: "beh-1",
        roster["external_id"][2]: "beh-2",
    }


def test_a_room_widget_opens_the_assigned_session(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    assignment = classroom.assign("beh-1")[0]

    room = classroom.room(assignment.student.external_id)
    event = {"source": "oc-interview", "action": "interviewLoaded"}
    event["sessionId"] = assignment.session_id
    room._handle_message(room, {"kind": "event", "seq": 1, "event": event}, [])

    assert room.status == "active"
    assert room.session_id == assignment.session_id
    assert room.room_url == assignment.room_url()
    assert classroom.rooms()[assignment.student.external_id] is room
    assert [r["status"] for r in classroom.rows()] == [
        "in progress",
        "not started",
        "not started",
    ]


def test_the_gradebook_has_scores_and_skills_of_finished_students(
    client: Client, roster
) -> None:
    classroom = Classroom(roster, client=client)
    assignments = classroom.assign("beh-1")
    sit(assignments[0].room_url())

    book = classroom.gradebook()

    assert list(book.columns[:8]) == [
        "name",
        "email",
        "external_id",
        "interview_id",
        "status",
        "score",
        "verdict",
        "completed_at",
    ]
    assert list(book.columns[8:]) == ["Communication", "Ownership"]
    assert list(book["status"]) == ["finished", "not started", "not started"]
    served = client.get_session(
        classroom.users[roster["external_id"][0]].token, assignments[0].session_id
    )
    assert book["score"][0] == served.score
    assert book["Communication"].dtype == "Int64"
    assert pd.isna(book["score"][1])
    assert str(book["completed_at"].dtype) == "datetime64[ns, UTC]"
