"""Turn sessions and their reports into pandas DataFrames.

Pure functions: no I/O. Each frame has a declared schema (column order and
nullable dtypes); empty input gives an empty frame with the full schema, and
missing data (an active session, a report without questions, a null score)
gives NA, never an error.

- :func:`sessions_frame`: one row per session.
- :func:`skills_frame`: one row per (session, skill).
- :func:`questions_frame`: one row per (session, question).
- :func:`feedback_frame`: one row per strength or improvement of a report.
- :func:`build_frames`: all four at once, converting the reports only once.

The reports are converted to Arrow in one call with a declared type (the
report fields this module reads; other keys are ignored), and the frames are
cut from the Arrow arrays column by column, without a Python loop per row.
Documents Arrow cannot take as they are (a score sent as a string, a time as
a ``datetime``) are first normalised through :class:`~ipyinterview.models.Session`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .models import Catalogue, Session, User

SessionLike = Session | Mapping[str, Any]
#: Who each user is, by user id: a :class:`User`, or a mapping with
#: ``external_id`` and ``name`` (a ledger entry has both).
UserLike = User | Mapping[str, Any]

UTC = "datetime64[ns, UTC]"

SESSIONS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "user_id": "string",
    "user_external_id": "string",
    "user_name": "string",
    "interview_id": "string",
    "track": "category",
    "level": "category",
    "kind": "category",
    "persona_id": "category",
    "mode": "category",
    "grade": "category",
    "status": "category",
    "score": "Int64",
    "verdict": "string",
    "created_at": UTC,
    "completed_at": UTC,
    "duration_s": "Float64",
}

SKILLS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "skill": "category",
    "score": "Int64",
}

QUESTIONS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "position": "Int64",
    "question": "string",
    "answer": "string",
    "score": "Int64",
}

FEEDBACK_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "kind": "category",
    "text": "string",
}

#: The categories of ``feedback_frame``'s ``kind``, in report order.
FEEDBACK_KINDS = ("strength", "improvement")

_TEXT = pa.string()
_INT = pa.int64()
_FEEDBACK = pa.struct(
    [
        ("score", _INT),
        ("verdict", _TEXT),
        ("strengths", pa.list_(_TEXT)),
        ("improvements", pa.list_(_TEXT)),
        ("skills", pa.list_(pa.struct([("name", _TEXT), ("score", _INT)]))),
        (
            "questions",
            pa.list_(pa.struct([("q", _TEXT), ("answer", _TEXT), ("score", _INT)])),
        ),
    ]
)
_DOCUMENT = pa.struct(
    [
        ("_id", _TEXT),
        ("userId", _TEXT),
        ("interviewId", _TEXT),
        ("personaId", _TEXT),
        ("mode", _TEXT),
        ("grade", _TEXT),
        ("status", _TEXT),
        ("score", _INT),
        ("createdAt", _TEXT),
        ("completedAt", _TEXT),
        ("feedback", _FEEDBACK),
    ]
)


class Frames(NamedTuple):
    """The four frames of a set of reports."""

    sessions: pd.DataFrame
    skills: pd.DataFrame
    questions: pd.DataFrame
    feedback: pd.DataFrame


def _document(item: SessionLike) -> Any:
    if isinstance(item, Session):
        return item.to_wire()
    # A GET /sessions/{id} envelope holds the session under "session".
    inner = item.get("session")
    return inner if type(inner) is dict or isinstance(inner, Mapping) else item


def _normalised(document: Any) -> dict[str, Any]:
    return Session.model_validate(document).to_wire()


def _arrow(sessions: Iterable[SessionLike]) -> pa.StructArray:
    documents = [_document(item) for item in sessions]
    try:
        return pa.array(documents, type=_DOCUMENT)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return pa.array([_normalised(d) for d in documents], type=_DOCUMENT)


def _fields(array: pa.StructArray) -> dict[str, pa.Array]:
    # flatten() keeps the parent's nulls: a missing feedback nulls its fields.
    return {f.name: a for f, a in zip(array.type, array.flatten(), strict=True)}


def _times(strings: pa.Array) -> pa.Array:
    try:
        return pc.cast(strings, pa.timestamp("ns", "UTC"))
    except pa.ArrowInvalid:
        parsed = pd.to_datetime(
            strings.to_pandas(), format="ISO8601", utc=True, errors="coerce"
        )
        return pa.array(parsed, type=pa.timestamp("ns", "UTC"))


def _lookup(keys: pa.Array, mapping: Mapping[str, Any]) -> pa.Array:
    """Return ``mapping[key]`` for each key (null where the key is unknown)."""
    if not mapping:
        return pa.nulls(len(keys), _TEXT)
    known = pa.array(list(mapping), _TEXT)
    values = pa.array(list(mapping.values()), _TEXT)
    return values.take(pc.index_in(keys, value_set=known))


def _table(columns: dict[str, pa.Array], schema: dict[str, str]) -> pd.DataFrame:
    """Return the frame of these Arrow columns, cast to the declared schema."""
    table = pa.table({name: columns[name] for name in schema})
    mapper = {
        _TEXT: pd.StringDtype(),
        _INT: pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
    }.get
    frame = table.to_pandas(types_mapper=mapper)
    for column, dtype in schema.items():
        if dtype == "category" and not isinstance(
            frame[column].dtype, pd.CategoricalDtype
        ):
            frame[column] = frame[column].astype("category")
    return frame


def _category(values: pa.Array) -> pa.Array:
    return pc.dictionary_encode(values)


def _user_fields(value: UserLike) -> tuple[str | None, str | None]:
    if isinstance(value, User):
        return value.external_id, value.name
    external = value.get("external_id", value.get("externalId"))
    return external, value.get("name")


def _sessions(
    doc: dict[str, pa.Array],
    feedback: dict[str, pa.Array],
    catalogue: Catalogue | None,
    users: Mapping[str, UserLike] | None,
) -> pd.DataFrame:
    track, level, kind = {}, {}, {}
    if catalogue is not None:
        names = {t.id: t.id for t in catalogue.tracks}
        for track_id, items in catalogue.interviews.items():
            for item in items:
                track[item.id] = names.get(track_id)
                level[item.id], kind[item.id] = item.level, item.kind
    people = {uid: _user_fields(u) for uid, u in (users or {}).items()}
    created, completed = _times(doc["createdAt"]), _times(doc["completedAt"])
    elapsed = pc.subtract(completed, created).cast(pa.int64())
    interview = doc["interviewId"]
    columns = {
        "session_id": doc["_id"],
        "user_id": doc["userId"],
        "user_external_id": _lookup(
            doc["userId"], {k: v[0] for k, v in people.items()}
        ),
        "user_name": _lookup(doc["userId"], {k: v[1] for k, v in people.items()}),
        "interview_id": interview,
        "track": _category(_lookup(interview, track)),
        "level": _category(_lookup(interview, level)),
        "kind": _category(_lookup(interview, kind)),
        "persona_id": _category(doc["personaId"]),
        "mode": _category(doc["mode"]),
        "grade": _category(doc["grade"]),
        "status": _category(doc["status"]),
        "score": pc.coalesce(doc["score"], feedback["score"]),
        "verdict": feedback["verdict"],
        "created_at": created,
        "completed_at": completed,
        "duration_s": pc.divide(elapsed.cast(pa.float64()), 1e9),
    }
    return _table(columns, SESSIONS_SCHEMA)


class _Items(NamedTuple):
    session_id: pa.Array
    item: pa.Array
    position: np.ndarray


def _rows(ids: pa.Array, lists: pa.ListArray) -> _Items:
    """Return every item of every list with its session and 1-based position."""
    parents = pc.list_parent_indices(lists)
    items = lists.flatten()
    offsets = lists.offsets.to_numpy()
    parent = parents.to_numpy()
    positions = np.arange(len(items)) + offsets[0] - offsets[parent] + 1
    return _Items(ids.take(parents), items, positions)


def _skills(ids: pa.Array, feedback: dict[str, pa.Array]) -> pd.DataFrame:
    session, items, _ = _rows(ids, feedback["skills"])
    name, score = _fields(items).values()
    columns = {"session_id": session, "skill": _category(name), "score": score}
    return _table(columns, SKILLS_SCHEMA)


def _questions(ids: pa.Array, feedback: dict[str, pa.Array]) -> pd.DataFrame:
    session, items, positions = _rows(ids, feedback["questions"])
    fields = _fields(items)
    columns = {
        "session_id": session,
        "position": pa.array(positions, _INT),
        "question": fields["q"],
        "answer": fields["answer"],
        "score": fields["score"],
    }
    return _table(columns, QUESTIONS_SCHEMA)


def _feedback(ids: pa.Array, feedback: dict[str, pa.Array]) -> pd.DataFrame:
    lists = [feedback[key] for key in ("strengths", "improvements")]
    parents = np.concatenate([pc.list_parent_indices(x).to_numpy() for x in lists])
    # Each session's strengths, then its improvements, sessions in input order.
    order = np.argsort(parents, kind="stable")
    codes = np.repeat([0, 1], [len(x.flatten()) for x in lists])[order]
    frame = _table(
        {
            "session_id": ids.take(parents[order]),
            "kind": pa.nulls(len(order), _TEXT),
            "text": pa.concat_arrays([x.flatten() for x in lists]).take(order),
        },
        FEEDBACK_SCHEMA,
    )
    frame["kind"] = pd.Categorical.from_codes(codes, categories=list(FEEDBACK_KINDS))
    return frame


def build_frames(
    sessions: Iterable[SessionLike],
    *,
    catalogue: Catalogue | None = None,
    users: Mapping[str, UserLike] | None = None,
) -> Frames:
    """Build all four frames from sessions, converting the reports only once.

    Args:
        sessions: :class:`Session` objects, session documents as the API sends
            them, or GET /sessions/{id} envelopes; in any mix.
        catalogue: fills ``track``, ``level`` and ``kind`` of each session.
        users: who each user is, by user id; fills ``user_external_id`` and
            ``user_name``.

    Returns:
        :class:`Frames` (sessions, skills, questions, feedback), each with its
        declared schema.

    Raises:
        pydantic.ValidationError: a document is not a session at all (no
            ``_id``, or a field of the wrong kind that cannot be converted).
    """
    array = _arrow(sessions)
    doc = _fields(array)
    feedback = _fields(doc["feedback"])
    ids = doc["_id"]
    return Frames(
        _sessions(doc, feedback, catalogue, users),
        _skills(ids, feedback),
        _questions(ids, feedback),
        _feedback(ids, feedback),
    )


def sessions_frame(
    sessions: Iterable[SessionLike],
    *,
    catalogue: Catalogue | None = None,
    users: Mapping[str, UserLike] | None = None,
) -> pd.DataFrame:
    """Return one row per session (see :func:`build_frames` for the arguments)."""
    doc = _fields(_arrow(sessions))
    return _sessions(doc, _fields(doc["feedback"]), catalogue, users)


def skills_frame(sessions: Iterable[SessionLike]) -> pd.DataFrame:
    """Return one row per skill of each session's report (long format)."""
    doc = _fields(_arrow(sessions))
    return _skills(doc["_id"], _fields(doc["feedback"]))


def questions_frame(sessions: Iterable[SessionLike]) -> pd.DataFrame:
    """Return one row per question of each session's report (long format)."""
    doc = _fields(_arrow(sessions))
    return _questions(doc["_id"], _fields(doc["feedback"]))


def feedback_frame(sessions: Iterable[SessionLike]) -> pd.DataFrame:
    """Return one row per strength and improvement of each report (long format).

    ``kind`` is ``"strength"`` or ``"improvement"``; within a session the
    strengths come first, each list in report order.
    """
    doc = _fields(_arrow(sessions))
    return _feedback(doc["_id"], _fields(doc["feedback"]))
