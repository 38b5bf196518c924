"""The bundled catalogue: its schema, its proofs and the shape it is served in.

Every coding problem is proven by its own reference solutions, run by the real
runner in every language it offers, and every wrong solution it keeps must fail
a hidden test. Exact answers must score full marks with the real grader, and
every reference answer must cover its own key points.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from ipyinterview.server.content import (
    BUNDLED_CATALOGUE,
    CatalogueError,
    InterviewContent,
    Problem,
    load_library,
)
from ipyinterview.server.grading import score_answer
from ipyinterview.server.runner import Limits, RunResult, run_tests

LIBRARY = load_library()
INTERVIEWS = sorted(LIBRARY.interviews.values(), key=lambda item: item.id)
PROBLEMS = [item for item in INTERVIEWS if item.problem is not None]

#: Generous for references (a loaded 2-core machine), tight for wrong answers:
#: a solution of the wrong complexity is cut off after two seconds.
REFERENCE_LIMITS = Limits(wall_seconds=20, cpu_seconds=15)
WRONG_LIMITS = Limits(wall_seconds=2, cpu_seconds=2)

REQUIRED_TRACKS = {
    "dsa": "technical",
    "system-design": "technical",
    "frontend": "technical",
    "backend": "technical",
    "databases": "technical",
    "data-science": "technical",
    "behavioural": "non-technical",
    "k12-math": "k12",
    "k12-science": "k12",
}


def _run(
    problem: Problem,
    language: str,
    code: str,
    limits: Limits,
    *,
    hidden: bool = True,
) -> RunResult:
    tests = [(t, False) for t in problem.tests.visible]
    if hidden:
        tests += [(t, True) for t in problem.tests.hidden]
    return run_tests(
        code,
        language=language,
        entry=problem.entry[language],  # type: ignore[index]
        tests=tests,
        limits=limits,
        setup=problem.setup,
        ordered=problem.ordered,
    )


def _problem(item: InterviewContent) -> Problem:
    assert item.problem is not None
    return item.problem


def _failures(run: RunResult) -> list[str]:
    return [
        f"test {r.index} ({'hidden' if r.hidden else 'visible'}): {r.status} "
        f"got {r.got!r} expected {r.expected!r} {r.error or ''}"
        for r in run.results
        if r.status != "pass"
    ]


# -- schema -----------------------------------------------------------------


def test_tracks_cover_every_required_area() -> None:
    cats = {t.id: t.cat for t in LIBRARY.tracks}
    assert {k: cats.get(k) for k in REQUIRED_TRACKS} == REQUIRED_TRACKS
    assert set(cats.values()) <= {"technical", "non-technical", "k12"}
    assert all(LIBRARY.catalogue().interviews[t] for t in cats), "a track is empty"


def test_original_interview_ids_still_exist() -> None:
    assert {"dsa-1", "sd-1", "beh-1", "k12-math-1"} <= set(LIBRARY.interviews)


def test_levels_are_spread_in_every_large_track() -> None:
    levels = Counter(item.level for item in INTERVIEWS)
    assert min(levels[level] for level in ("Easy", "Medium", "Hard")) >= 8


def _broken_copy(tmp_path: Path, name: str, change) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(BUNDLED_CATALOGUE, folder)
    data = json.loads((folder / "interviews" / "dsa-2.json").read_text())
    data["id"] = "broken-1"
    change(data)
    (folder / "interviews" / name).write_text(json.dumps(data))
    return folder


BREAKAGES = {
    "level": (lambda d: d.update(level="Impossible"), "field level"),
    "visible tests": (
        lambda d: d["problem"]["tests"].update(visible=[]),
        "field problem.tests.visible",
    ),
    "starter": (
        lambda d: d["problem"]["starter"].pop("javascript"),
        "starter code missing for ['javascript']",
    ),
    "unscored skill": (
        lambda d: d["skills"].append("Juggling"),
        "no question scores ['Juggling']",
    ),
    "sql without setup": (
        lambda d: d["problem"].update(
            entry={"sql": "query"},
            starter={"sql": "SELECT 1;"},
            solutions={"sql": "SELECT 1;"},
            wrong_solutions=[],
        ),
        "needs setup SQL",
    ),
    "unknown language": (
        lambda d: d["problem"]["entry"].update(cobol="MAIN"),
        "field problem.entry.cobol",
    ),
    "repeated question id": (
        lambda d: d["questions"].append(d["questions"][0]),
        "question ids must be unique",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_file_fails_with_its_name_and_field(
    tmp_path: Path, breakage: str
) -> None:
    change, message = BREAKAGES[breakage]
    folder = _broken_copy(tmp_path, "zz-broken.json", change)
    with pytest.raises(CatalogueError) as caught:
        load_library(folder)
    assert "zz-broken.json" in str(caught.value)
    assert message in str(caught.value)


def test_a_broken_design_names_its_field(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["design"] = {"required": [], "tradeoffs": [{"name": "cost"}]}

    folder = _broken_copy(tmp_path, "zz-design.json", change)
    with pytest.raises(
        CatalogueError, match=r"zz-design\.json: field design\.required"
    ):
        load_library(folder)


# -- proofs of the coding problems --------------------------------------------


REFERENCES = [
    pytest.param(item, language, id=f"{item.id}-{language}")
    for item in PROBLEMS
    for language in _problem(item).languages
]
WRONGS = [
    pytest.param(item, index, id=f"{item.id}-wrong-{index}")
    for item in PROBLEMS
    for index in range(len(_problem(item).wrong_solutions))
]


def test_every_problem_offers_solutions_in_each_of_its_languages() -> None:
    for item in PROBLEMS:
        problem = _problem(item)
        assert set(problem.solutions) == set(problem.entry), item.id
        assert problem.wrong_solutions, f"{item.id} keeps no wrong solution"
        assert len(problem.tests.visible) >= 5, item.id
        assert len(problem.tests.hidden) >= 10, item.id


@pytest.mark.parametrize(("item", "language"), REFERENCES)
def test_reference_solution_passes_every_test(
    item: InterviewContent, language: str
) -> None:
    problem = _problem(item)
    run = _run(problem, language, problem.solutions[language], REFERENCE_LIMITS)
    assert run.error is None, run.error
    assert _failures(run) == []


@pytest.mark.parametrize(("item", "index"), WRONGS)
def test_wrong_solution_fails_a_hidden_test(item: InterviewContent, index: int) -> None:
    problem = _problem(item)
    wrong = problem.wrong_solutions[index]
    run = _run(problem, wrong.language, wrong.code, WRONG_LIMITS)
    hidden = [r for r in run.results if r.hidden]
    assert any(r.status != "pass" for r in hidden), f"{wrong.why}: passed every test"
    # Plausible: it runs and gets some cases right rather than failing outright.
    assert run.passed >= 1, f"{wrong.why}: {run.error}"


@pytest.mark.parametrize(("item", "language"), REFERENCES)
def test_starter_code_runs_but_does_not_solve(
    item: InterviewContent, language: str
) -> None:
    problem = _problem(item)
    starter = problem.starter[language]  # type: ignore[index]
    run = _run(problem, language, starter, REFERENCE_LIMITS, hidden=False)
    assert all(r.status in ("pass", "fail") for r in run.results), run.error
    assert run.passed < run.total


# -- questions, skills and grades --------------------------------------------


def test_every_skill_is_scored_for_every_grade() -> None:
    for item in INTERVIEWS:
        for grade in item.grades or [None]:
            scored = set(item.problem.skills if item.problem else ())
            for question in item.questions_for(grade):
                scored.update(question.skills)
            assert scored == set(item.skills), (item.id, grade)


def test_grade_banks_have_three_exact_questions_each() -> None:
    for item in INTERVIEWS:
        for grade, bank in (item.banks or {}).items():
            assert len(bank) >= 3, (item.id, grade)
            assert all(question.answer for question in bank), (item.id, grade)
            assert grade.startswith("Grade ")


def test_exact_answers_score_full_marks_and_wrong_ones_none() -> None:
    for item in INTERVIEWS:
        for question in item.all_questions():
            if question.answer is None:
                continue
            said = f"I think it is {question.answer}"
            assert score_answer(question, question.answer).score == 100, question.id
            assert score_answer(question, said).score == 100, question.id
            assert score_answer(question, "I am not sure").score == 0, question.id


def test_reference_answers_cover_their_own_key_points() -> None:
    for item in INTERVIEWS:
        for question in item.all_questions():
            if question.answer is not None:
                continue
            assert question.key_points, (item.id, question.id)
            scored = score_answer(question, question.reference)
            assert scored.missed == [], (item.id, question.id, scored.missed)


def test_each_conversation_offers_hints_and_follow_ups() -> None:
    for item in INTERVIEWS:
        free = [q for q in item.questions if q.answer is None]
        if free:
            assert any(q.hint for q in free), f"{item.id}: maya has no hint to give"
            assert any(q.follow_up for q in free), f"{item.id}: leo has nothing to ask"


def test_design_interviews_name_components_and_tradeoffs() -> None:
    designs = [item for item in INTERVIEWS if item.track == "system-design"]
    assert len(designs) >= 4
    for item in designs:
        assert item.design is not None, item.id
        assert len(item.design.required) >= 3, item.id
        assert all(c.labels for c in item.design.required), item.id
        assert len(item.design.tradeoffs) >= 2, item.id


# -- the served shape and the counts ----------------------------------------


def test_served_catalogue_has_the_seed_shape() -> None:
    wire = LIBRARY.catalogue().to_wire()
    assert set(wire) == {"status", "personas", "tracks", "interviews"}
    assert wire["status"] == "success"
    assert all(set(p) == {"id", "name", "title"} for p in wire["personas"])
    assert all(set(t) == {"id", "cat", "name"} for t in wire["tracks"])
    assert set(wire["interviews"]) == {t["id"] for t in wire["tracks"]}
    card_keys = {
        "id",
        "title",
        "level",
        "mins",
        "kind",
        "skills",
        "blurb",
        "hasProblem",
    }
    for track_id, cards in wire["interviews"].items():
        for card in cards:
            content = LIBRARY.interviews[card["id"]]
            assert content.track == track_id
            keys = card_keys | ({"grades"} if content.banks else set())
            assert set(card) == keys, card["id"]
            assert card["hasProblem"] is (content.problem is not None)
            assert card.get("grades") == content.grades


def test_catalogue_counts(capsys: pytest.CaptureFixture[str]) -> None:
    per_track = Counter(item.track for item in INTERVIEWS)
    tests = sum(
        len(p.tests.visible) + len(p.tests.hidden) for p in map(_problem, PROBLEMS)
    )
    grades = sorted(
        {g for item in INTERVIEWS for g in item.grades or []},
        key=lambda g: int(g.split()[-1]),
    )
    with capsys.disabled():
        print(f"\ninterviews: {len(INTERVIEWS)} over {len(per_track)} tracks")
        for track in LIBRARY.tracks:
            print(f"  {track.id}: {per_track[track.id]}")
        print(f"coding problems: {len(PROBLEMS)}, tests: {tests}")
        print(f"grades covered: {', '.join(grades)}")
    assert len(INTERVIEWS) >= 40
    assert len(per_track) >= 9
    assert all(per_track[t.id] >= 4 for t in LIBRARY.tracks)
