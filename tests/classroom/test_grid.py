"""The live grid: rows as sessions finish, polling with backoff, gradebook export."""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
import time

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.classroom import Classroom, ClassroomGrid
from ipyinterview.classroom.grid import MAX_BACKOFF, backoff_delay
from ipyinterview.server import LocalService

from .conftest import sit


def wait_until(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class FlakyTransport(httpx.HTTPTransport):
    """Fails the first ``failures`` session reads as if the service were down."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.failed_at: list[float] = []
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reading = request.method == "GET" and "/sessions/" in request.url.path
        with self.lock:
            fail = reading and len(self.failed_at) < self.failures
            if fail:
                self.failed_at.append(time.monotonic())
        if fail:
            raise httpx.ConnectError("connection refused", request=request)
        return super().handle_request(request)


def test_rows_update_as_students_finish(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    assignments = classroom.assign("beh-1")
    grid = ClassroomGrid(classroom, autostart=False)
    assert [r["status"] for r in grid.rows] == ["not started"] * 3

    sit(assignments[1].room_url())
    done = grid.refresh()

    assert not done
    finished = grid.rows[1]
    assert finished["name"] == "<b>Bob</b> & Co"
    assert finished["status"] == "finished"
    assert isinstance(finished["score"], int)
    assert set(finished["skills"]) == {"Communication", "Ownership"}
    assert grid.skills == ["Communication", "Ownership"]
    assert grid.interview_id == "beh-1"
    assert grid.updated_at


def test_polling_stops_once_everyone_has_finished(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    assignments = classroom.assign("beh-1")
    grid = classroom.grid(interval=0.05)
    assert grid.polling

    for assignment in assignments:
        sit(assignment.room_url())

    wait_until(lambda: not grid.polling)
    assert [r["status"] for r in grid.rows] == ["finished"] * 3
    assert all(isinstance(r["score"], int) for r in grid.rows)
    assert grid.finished


def test_closing_the_widget_stops_polling(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    classroom.assign("beh-1")
    grid = classroom.grid(interval=0.05)
    thread = grid._thread

    grid.close()

    assert thread is not None
    assert not thread.is_alive()
    assert not grid.polling


def test_polling_backs_off_while_the_service_fails_then_recovers(
    service: LocalService, roster
) -> None:
    transport = FlakyTransport(failures=3)
    flaky = Client(
        api_key=service.api_key,
        base_url=service.base_url,
        transport=transport,
        max_retries=0,
    )
    classroom = Classroom(roster.iloc[:1], client=flaky)
    assignment = classroom.assign("beh-1")[0]
    sit(assignment.room_url())
    errors: list[str] = []

    grid = classroom.grid(interval=0.05)
    grid.observe(lambda change: errors.append(change["new"]), names="error")
    wait_until(lambda: not grid.polling)

    gaps = [b - a for a, b in itertools.pairwise(transport.failed_at)]
    assert len(transport.failed_at) == 3
    assert gaps[0] >= 0.1
    assert gaps[1] >= 0.2
    assert gaps[1] > 1.5 * gaps[0]
    assert any("could not be read" in e and "retrying in" in e for e in errors)
    assert grid.error == ""
    assert grid.failures == 0
    assert grid.rows[0]["status"] == "finished"
    flaky.close()


def test_backoff_doubles_and_is_capped() -> None:
    delays = [backoff_delay(2.0, n, jitter=0) for n in range(8)]

    assert delays[:4] == [2.0, 4.0, 8.0, 16.0]
    assert delays[-1] == MAX_BACKOFF
    assert 2.0 <= backoff_delay(2.0, 0) <= 2.2


def test_export_sends_the_gradebook_as_csv(client: Client, roster) -> None:
    classroom = Classroom(roster, client=client)
    assignments = classroom.assign("beh-1")
    sit(assignments[0].room_url())
    grid = ClassroomGrid(classroom, autostart=False)
    grid.refresh()
    sent: list[dict] = []
    grid.send = sent.append  # type: ignore[method-assign]

    grid._handle_message(grid, {"kind": "export", "id": 7}, [])

    (reply,) = sent
    assert reply["id"] == 7
    assert reply["filename"].startswith("gradebook-beh-1-")
    rows = list(csv.DictReader(io.StringIO(reply["csv"])))
    assert [r["name"] for r in rows] == [
        "Ada Lovelace",
        "<b>Bob</b> & Co",
        '\'=HYPERLINK("x")',
    ]
    assert rows[0]["status"] == "finished"
    assert int(rows[0]["score"]) == grid.rows[0]["score"]
    assert int(rows[0]["Ownership"]) == grid.rows[0]["skills"]["Ownership"]
    assert rows[0]["completed_at"].endswith("Z")
    assert rows[1]["score"] == rows[1]["Communication"] == ""
    assert rows[2]["email"] == roster["email"][2]


def test_the_widget_state_holds_no_secret_and_no_email(
    client: Client, service: LocalService, roster
) -> None:
    classroom = Classroom(roster, client=client)
    classroom.assign("beh-1")
    grid = ClassroomGrid(classroom, autostart=False)

    state = json.dumps(grid.get_state())

    assert service.api_key not in state
    for key, user in classroom.users.items():
        assert user.token not in state
        assert key in state
    for email in roster["email"]:
        assert email not in state


@pytest.mark.parametrize("message", [None, "export", {"kind": "other"}])
def test_unexpected_messages_are_ignored(client: Client, roster, message) -> None:
    grid = ClassroomGrid(Classroom(roster, client=client), autostart=False)
    sent: list[dict] = []
    grid.send = sent.append  # type: ignore[method-assign]

    grid._handle_message(grid, message, [])

    assert sent == []
