"""The interview room over HTTP: page, conversation, code runs, report."""

from __future__ import annotations

import httpx

from ipyinterview import Client
from ipyinterview.models import User

from ..helpers import read_interview

SOLUTION = read_interview("dsa-1")["problem"]["solutions"]["python"]
GOOD_ANSWER = (
    "It runs in linear time, O(n), because each number is visited once and the "
    "dictionary lookups are constant time; it needs O(n) extra space for the map."
)


def test_the_page_can_be_framed_by_local_notebooks(open_room) -> None:
    _created, room = open_room()

    headers = room.page.headers

    assert "frame-ancestors" in headers["content-security-policy"]
    assert "http://localhost:*" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
    assert "permissions-policy" not in headers
    assert room.config["events"] is True


def test_the_page_refuses_a_wrong_token_in_words(client: Client, user: User) -> None:
    created = client.create_session(user.token, "dsa-1")

    page = httpx.get(created.room_url("not-a-token"))

    assert page.status_code == 401
    assert "userApiToken" in page.text


def test_room_calls_need_the_room_token(open_room) -> None:
    _created, room = open_room()
    room.headers = {"X-Room-Token": "123.forged"}

    response = room.get("state")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_room_token"


def test_a_coding_interview_runs_end_to_end(
    client: Client, user: User, open_room
) -> None:
    created, room = open_room("dsa-1", persona_id="alex")

    state = room.get("state").json()
    run = room.post("run", {"language": "python", "code": SOLUTION}).json()
    after_answer = room.post("answer", {"text": GOOD_ANSWER}).json()
    finished = room.post("finish").json()
    report = client.get_session(user.token, created.session.id)

    assert state["turns"][0]["role"] == "interviewer"
    assert state["interview"]["problem"]["tests"], "visible tests are listed"
    assert run["run"]["passed"] == run["run"]["total"] == 5
    assert all(r["status"] == "pass" for r in run["run"]["results"])
    assert "complexity" in run["state"]["turns"][-1]["text"]
    assert after_answer["done"] is True
    assert finished["session"]["status"] == "completed"
    assert report.completed
    assert report.score == finished["session"]["score"] >= 80
    assert {s.name for s in report.feedback.skills} == {
        "Hash maps",
        "Complexity analysis",
    }
    assert len(report.feedback.questions) == 2


def test_a_wrong_solution_fails_visible_tests_with_expected_and_got(open_room) -> None:
    _created, room = open_room()
    room.get("state")

    run = room.post(
        "run",
        {"language": "python", "code": "def pair_sum(n, t):\n    return [0, 1]\n"},
    ).json()["run"]

    failed = [r for r in run["results"] if r["status"] == "fail"]
    assert failed
    assert failed[0]["expected"] != failed[0]["got"]


def test_hidden_tests_run_on_submit_without_revealing_them(open_room) -> None:
    _created, room = open_room()
    room.get("state")

    run = room.post(
        "run", {"language": "python", "code": SOLUTION, "submit": True}
    ).json()["run"]

    hidden = [r for r in run["results"] if r["hidden"]]
    assert len(hidden) == 10
    assert all(r["status"] == "pass" and r["args"] is None for r in hidden)


def test_finish_twice_keeps_the_first_report(open_room) -> None:
    _created, room = open_room("beh-1")
    room.get("state")
    room.post(
        "answer",
        {"text": "We disagreed on a design; I listened and we ran an experiment."},
    )

    first = room.post("finish").json()["session"]
    second = room.post("finish").json()["session"]

    assert first["feedback"] == second["feedback"]
    assert room.post("answer", {"text": "late"}).status_code == 409


def test_reloading_resumes_the_transcript(open_room) -> None:
    _created, room = open_room("sd-1")
    first = room.get("state").json()
    room.post("answer", {"text": "Create short links and redirect fast, read heavy."})

    again = room.get("state").json()

    assert len(again["turns"]) == len(first["turns"]) + 2
    assert again["turns"][: len(first["turns"])] == first["turns"]


def test_grade_selects_the_questions(open_room) -> None:
    _g3, grade3 = open_room("k12-math-1", grade="Grade 3")
    _g8, grade8 = open_room("k12-math-1", grade="Grade 8")

    ask3 = grade3.get("state").json()["turns"][-1]["text"]
    ask8 = grade8.get("state").json()["turns"][-1]["text"]

    assert ask3 != ask8


def test_exact_answers_are_checked_exactly(
    client: Client, user: User, open_room
) -> None:
    created, room = open_room("k12-math-1", grade="Grade 3")
    room.get("state")
    room.post("answer", {"text": "I think it's 83"})
    room.post("answer", {"text": "54"})

    room.post("finish")
    questions = client.get_session(user.token, created.session.id).feedback.questions

    assert [q.score for q in questions] == [100, 0, 0]


def test_a_failing_run_does_not_move_on_but_submit_does(open_room) -> None:
    _created, room = open_room()
    starter = room.get("state").json()["interview"]["problem"]["starter"]["python"]

    failing = room.post("run", {"language": "python", "code": starter}).json()["state"]
    submitted = room.post(
        "run", {"language": "python", "code": starter, "submit": True}
    )
    turns = submitted.json()["state"]["turns"]

    assert "complexity" not in failing["turns"][-1]["text"]
    assert "(10 hidden)" in turns[-2]["text"]
    assert "complexity" in turns[-1]["text"]


def test_unsent_answer_and_code_survive_a_reload(open_room) -> None:
    _created, room = open_room()
    room.get("state")

    room.post(
        "draft",
        {"answer": "half an answer", "code": "def pair_sum(", "language": "python"},
    )
    again = room.get("state").json()

    assert again["draft"] == {
        "answer": "half an answer",
        "code": "def pair_sum(",
        "language": "python",
    }


def test_time_up_wraps_up_only_when_the_minutes_are_spent(service, open_room) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from ipyinterview.server.db import sessions

    created, room = open_room("beh-1")
    room.get("state")
    early = room.post("timeup")
    engine = sa.create_engine(service.settings.database_url)
    with engine.begin() as conn:
        conn.execute(
            sessions.update()
            .where(sessions.c.id == created.session.id)
            .values(created_at=sa.func.datetime("now", "-2 hours"))
        )
    engine.dispose()
    late = room.post("timeup").json()
    answer = room.post("answer", {"text": "one more thing"}).json()

    assert early.status_code == 409
    assert "out of time" in late["turns"][-1]["text"]
    assert late["done"] is True
    assert "done with the questions" in answer["turns"][-1]["text"]


def test_a_run_the_room_cannot_do_is_refused_in_words(open_room) -> None:
    _created, coding = open_room("dsa-1")
    _created, talking = open_room("beh-1")

    cobol = coding.post("run", {"language": "cobol", "code": "DISPLAY 1."})
    no_code = talking.post("run", {"language": "python", "code": "x = 1"})

    assert cobol.status_code == 400
    assert cobol.json()["code"] == "unknown_language"
    assert "python" in cobol.json()["message"]
    assert no_code.status_code == 400
    assert no_code.json()["code"] == "no_problem"
