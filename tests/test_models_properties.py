"""Property tests: any valid document survives parse and write unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ipyinterview.models import Catalogue, CreatedSession, SessionEnvelope, User

text = st.text(max_size=20)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
scores = st.one_of(st.none(), st.integers(min_value=0, max_value=100))


def documents(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy:
    """Documents with every required key and any subset of the optional ones."""
    return st.fixed_dictionaries(required, optional=optional)


personas = documents({"id": ids, "name": text, "title": text}, {})
tracks = documents(
    {"id": ids, "cat": st.sampled_from(["technical", "k12"]), "name": text}, {}
)
interviews = documents(
    {
        "id": ids,
        "title": text,
        "level": st.sampled_from(["Easy", "Medium", "Hard"]),
        "mins": st.integers(1, 120),
        "kind": text,
        "skills": st.lists(text, max_size=4),
        "blurb": text,
        "hasProblem": st.booleans(),
    },
    {"grades": st.lists(text, min_size=1, max_size=4)},
)
catalogues = documents(
    {
        "status": st.just("success"),
        "personas": st.lists(personas, max_size=3),
        "tracks": st.lists(tracks, max_size=3),
        "interviews": st.dictionaries(
            ids, st.lists(interviews, max_size=3), max_size=3
        ),
    },
    {},
)
feedback = documents(
    {},
    {
        "score": scores,
        "verdict": st.one_of(st.none(), text),
        "strengths": st.lists(text, max_size=3),
        "improvements": st.lists(text, max_size=3),
        "skills": st.lists(documents({"name": text}, {"score": scores}), max_size=3),
        "questions": st.lists(
            documents(
                {"q": text}, {"answer": st.one_of(st.none(), text), "score": scores}
            ),
            max_size=3,
        ),
    },
)
sessions = documents(
    {"_id": ids, "status": st.sampled_from(["active", "completed"])},
    {
        "interviewId": ids,
        "score": scores,
        "feedback": feedback,
        "personaId": ids,
        "mode": st.sampled_from(["voice", "chat"]),
        "grade": st.one_of(st.none(), text),
        "userId": ids,
        # Keys a newer service may add are kept as they are.
        "futureKey": st.one_of(
            st.integers(), text, st.lists(st.integers(), max_size=2)
        ),
    },
)


@settings(max_examples=150)
@given(catalogues)
def test_any_catalogue_round_trips(document: dict) -> None:
    assert Catalogue.model_validate(document).to_wire() == document


@settings(max_examples=150)
@given(sessions)
def test_any_session_round_trips(document: dict) -> None:
    envelope = {"status": "success", "session": document}
    assert SessionEnvelope.model_validate(envelope).to_wire() == envelope


@settings(max_examples=100)
@given(sessions, st.text(min_size=1, max_size=30))
def test_any_created_session_round_trips(document: dict, url: str) -> None:
    created = {"status": "success", "session": document, "embedUrl": url}
    assert CreatedSession.model_validate(created).to_wire() == created


@settings(max_examples=100)
@given(
    documents(
        {"_id": ids, "api": documents({"token": ids}, {})},
        {"name": text, "email": text, "externalId": ids, "plan": ids},
    )
)
def test_any_user_round_trips(document: dict) -> None:
    assert User.model_validate(document).to_wire() == document
