"""Interview content: the catalogue files the local service serves and runs.

The catalogue is a folder of JSON files: ``personas.json``, ``tracks.json`` and
one file per interview under ``interviews/``. A teacher adds an interview by
adding a file; every file is validated on load, and a bad one fails with its
file name and the field at fault.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from ..models import Catalogue, Interview, Persona, Track

#: The catalogue that ships with the package.
BUNDLED_CATALOGUE = Path(__file__).parent / "catalogue"


class CatalogueError(ValueError):
    """A catalogue file is missing, malformed or inconsistent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: The languages a problem may be solved in.
Language = Literal["python", "javascript", "sql"]


class TestCase(_Strict):
    """One call of the candidate's function and the value it must return.

    For a SQL problem ``args`` holds one string of SQL that seeds the tables for
    this case, and ``expected`` the rows (lists of values) the query returns.
    """

    __test__ = False  # not a pytest class

    args: list[Any]
    expected: Any
    stdin: str | None = None
    """Text the function can read from standard input (Python problems)."""


class TestSuite(_Strict):
    """Visible tests are shown to the candidate; hidden ones run on submit."""

    __test__ = False

    visible: list[TestCase] = Field(min_length=1)
    hidden: list[TestCase] = Field(default_factory=list)


class WrongSolution(_Strict):
    """A plausible wrong answer, kept to prove the hidden tests catch it."""

    language: Language
    code: str
    why: str


class Problem(_Strict):
    """A coding problem: statement, entry point, starter code and tests.

    A problem offers the languages of its ``entry``; its starter code and
    reference solutions cover exactly those. A SQL problem offers only ``sql``:
    its ``setup`` creates the tables on a fresh in-memory database before each
    test, each test seeds them and compares the query's rows, in order only
    when ``ordered`` is set (the statement then asks for an ORDER BY).
    """

    title: str
    statement: str
    entry: dict[Language, str] = Field(min_length=1)
    starter: dict[Language, str]
    tests: TestSuite
    solutions: dict[Language, str] = Field(default_factory=dict)
    wrong_solutions: list[WrongSolution] = Field(default_factory=list)
    skills: dict[str, float] = Field(default_factory=dict)
    setup: str | None = None
    ordered: bool = False

    @model_validator(mode="after")
    def _languages_agree(self) -> Problem:
        offered = set(self.entry)
        missing = offered - set(self.starter)
        if missing:
            raise ValueError(f"starter code missing for {sorted(missing)}")
        extra = (set(self.starter) | set(self.solutions)) - offered
        if extra:
            raise ValueError(f"code for {sorted(extra)}, which entry does not offer")
        wrong = {w.language for w in self.wrong_solutions} - offered
        if wrong:
            raise ValueError(f"wrong solutions in {sorted(wrong)}, not offered")
        if "sql" in offered and (len(offered) > 1 or not self.setup):
            raise ValueError("a SQL problem offers only sql and needs setup SQL")
        if self.setup and "sql" not in offered:
            raise ValueError("setup SQL belongs to SQL problems only")
        return self

    @property
    def languages(self) -> list[str]:
        """Return the languages this problem may be solved in."""
        return list(self.entry)


class Component(_Strict):
    """A part of a design, with the other labels a whiteboard may give it."""

    name: str
    labels: list[str] = Field(default_factory=list)


class Design(_Strict):
    """What a good system design holds and the trade-offs it names."""

    required: list[Component] = Field(min_length=1)
    optional: list[Component] = Field(default_factory=list)
    tradeoffs: list[Component] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_unique(self) -> Design:
        names = [c.name.lower() for c in (*self.required, *self.optional)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"components named twice: {repeated}")
        return self


class Question(_Strict):
    """A spoken or written question, scored against its reference answer.

    ``key_points`` are the ideas a good answer names; each is a list of
    alternative phrasings. ``answer`` is set where the answer is exact (a
    number or a choice); it is then checked exactly.
    """

    id: str
    prompt: str
    reference: str = ""
    key_points: list[list[str]] = Field(default_factory=list)
    answer: str | None = None
    skills: dict[str, float] = Field(min_length=1)
    hint: str | None = None
    follow_up: str | None = None


class InterviewContent(_Strict):
    """Everything about one interview: its catalogue card and what the room runs."""

    _by_id: dict[str, Question] = PrivateAttr(default_factory=dict)
    id: str
    track: str
    title: str
    level: Literal["Easy", "Medium", "Hard"]
    mins: int = Field(gt=0)
    kind: str
    skills: list[str] = Field(min_length=1)
    blurb: str
    intro: str
    problem: Problem | None = None
    questions: list[Question] = Field(default_factory=list)
    banks: dict[str, list[Question]] | None = None
    design: Design | None = None

    @model_validator(mode="after")
    def _consistent(self) -> InterviewContent:
        if not self.questions and not self.banks and self.problem is None:
            raise ValueError("an interview needs questions, grade banks or a problem")
        ids = [q.id for q in self.all_questions()]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question ids must be unique, repeated: {repeated}")
        empty = [grade for grade, bank in (self.banks or {}).items() if not bank]
        if empty:
            raise ValueError(f"grade banks without questions: {empty}")
        scored = set(self.problem.skills if self.problem else ())
        for question in self.all_questions():
            scored.update(question.skills)
        unknown = scored - set(self.skills)
        if unknown:
            raise ValueError(
                f"questions score skills the interview lacks: {sorted(unknown)}"
            )
        sessions: list[str | None] = list(self.grades) if self.grades else [None]
        for grade in sessions:
            unscored = set(self.skills) - self._scored(grade)
            if unscored:
                where = f" for {grade}" if grade else ""
                raise ValueError(f"no question scores {sorted(unscored)}{where}")
        return self

    def _scored(self, grade: str | None) -> set[str]:
        scored = set(self.problem.skills if self.problem else ())
        for question in self.questions_for(grade):
            scored.update(question.skills)
        return scored

    @property
    def grades(self) -> list[str] | None:
        """Return the grades of a grade-adaptive interview, else None."""
        return list(self.banks) if self.banks else None

    @property
    def questions_by_id(self) -> dict[str, Question]:
        """Return every question (grade banks included) by its id."""
        if not self._by_id:
            self._by_id.update((q.id, q) for q in self.all_questions())
        return self._by_id

    def all_questions(self) -> Iterable[Question]:
        """Yield every question, including every grade bank's."""
        yield from self.questions
        for bank in (self.banks or {}).values():
            yield from bank

    def questions_for(self, grade: str | None) -> list[Question]:
        """Return the questions a session asks, in order, for its grade."""
        if self.banks and grade is not None:
            return [*self.banks[grade], *self.questions]
        return list(self.questions)

    def card(self) -> Interview:
        """Return the catalogue card of this interview."""
        card = Interview(
            id=self.id,
            title=self.title,
            level=self.level,
            mins=self.mins,
            kind=self.kind,
            skills=list(self.skills),
            blurb=self.blurb,
            has_problem=self.problem is not None,
        )
        if self.grades:
            card.grades = self.grades
        return card


class Library:
    """The loaded catalogue: personas, tracks and interview content by id."""

    def __init__(
        self,
        personas: list[Persona],
        tracks: list[Track],
        interviews: list[InterviewContent],
    ) -> None:
        self.personas = personas
        self.tracks = tracks
        self.interviews = {item.id: item for item in interviews}

    def catalogue(self) -> Catalogue:
        """Return the catalogue response the service sends."""
        grouped: dict[str, list[Interview]] = {t.id: [] for t in self.tracks}
        for item in self.interviews.values():
            grouped[item.track].append(item.card())
        return Catalogue(
            status="success",
            personas=self.personas,
            tracks=self.tracks,
            interviews=grouped,
        )

    def persona(self, persona_id: str) -> Persona | None:
        """Return the persona with this id, or None."""
        return next((p for p in self.personas if p.id == persona_id), None)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise CatalogueError(f"{path}: file missing") from err
    except json.JSONDecodeError as err:
        raise CatalogueError(f"{path}: not valid JSON ({err})") from err


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CatalogueError(
            f"{path}: field {where}: {first['msg']} ({err.error_count()} error(s))"
        ) from err


def load_library(folder: Path | str = BUNDLED_CATALOGUE) -> Library:
    """Load and validate a catalogue folder.

    Raises:
        CatalogueError: a file is missing or malformed; the message names the
            file and the field.
    """
    folder = Path(folder)
    personas = [
        _validate(Persona, item, folder / "personas.json")
        for item in _read(folder / "personas.json")
    ]
    tracks = [
        _validate(Track, item, folder / "tracks.json")
        for item in _read(folder / "tracks.json")
    ]
    track_ids = {t.id for t in tracks}

    interviews: list[InterviewContent] = []
    seen: dict[str, Path] = {}
    for path in sorted((folder / "interviews").glob("*.json")):
        item = _validate(InterviewContent, _read(path), path)
        if item.track not in track_ids:
            raise CatalogueError(
                f"{path}: field track: {item.track!r} is not in tracks.json "
                f"({', '.join(sorted(track_ids))})"
            )
        if item.id in seen:
            raise CatalogueError(
                f"{path}: field id: {item.id!r} repeats {seen[item.id]}"
            )
        seen[item.id] = path
        interviews.append(item)
    return Library(personas, tracks, interviews)
