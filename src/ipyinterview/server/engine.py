"""The built-in interviewer: the plan of a session and what is said at each step.

A session's state is plain JSON stored with it: the plan (the coding problem,
if any, then the questions), the current position, the answers, the code and
its runs. Each function takes the state and returns the turns to append, so
every step is persisted as it happens.
"""

from __future__ import annotations

from typing import Any

from . import design, grading
from .content import InterviewContent, Question
from .runner import RunResult

Turn = dict[str, Any]

GREETINGS = {
    "maya": "Hi, I'm Maya. I'm here to help you do your best, so take your time.",
    "alex": "Hello, I'm Alex. I'll be your interviewer today.",
    "leo": "I'm Leo. I'll be pushing on the details today, so be precise.",
}
WRAP_UP = {
    "maya": "That's all my questions. Well done for working through them! "
    "Press Finish when you're ready to see your report.",
    "alex": "That concludes the questions. Press Finish to see your report.",
    "leo": "That's everything I wanted to probe. Press Finish for your report.",
}
#: Below this score an answer counts as a struggle (the supportive coach hints).
STRUGGLE = 40


def initial_state(
    content: InterviewContent, *, grade: str | None, persona_id: str
) -> dict[str, Any]:
    """Return the state of a new session: its plan and nothing done yet."""
    plan: list[dict[str, Any]] = []
    if content.problem is not None:
        plan.append({"type": "code"})
    plan += [{"type": "question", "id": q.id} for q in content.questions_for(grade)]
    return {
        "plan": plan,
        "position": 0,
        "persona": persona_id,
        "started": False,
        "answers": {},
        "extra": {},
        "code": None,
        "runs": 0,
        "integrity": {"tabSwitches": 0, "pastes": 0},
    }


def _say(text: str, **data: Any) -> Turn:
    return {"role": "interviewer", "kind": "say", "text": text, "data": data or None}


def _prompt(content: InterviewContent, state: dict[str, Any]) -> list[Turn]:
    """Return the turns that ask the item at the current position, or wrap up."""
    position = state["position"]
    if position >= len(state["plan"]):
        return [_say(WRAP_UP.get(state["persona"], WRAP_UP["alex"]), wrapUp=True)]
    item = state["plan"][position]
    if item["type"] == "code":
        problem = content.problem
        assert problem is not None
        return [
            _say(
                f"Here is the problem: {problem.title}. Write your solution in the "
                "editor "
                "and run the visible tests when you are ready.",
                problem=True,
            )
        ]
    question = content.questions_by_id[item["id"]]
    return [_say(question.prompt, questionId=question.id)]


def start(content: InterviewContent, state: dict[str, Any]) -> list[Turn]:
    """Begin the interview: greeting, introduction and the first item."""
    state["started"] = True
    greeting = GREETINGS.get(state["persona"], GREETINGS["alex"])
    return [_say(greeting), _say(content.intro), *_prompt(content, state)]


TIME_UP = {
    "maya": "We're out of time, and you did well to get this far. Let's wrap up: "
    "press Finish to see your report.",
    "alex": "We're out of time. Let's wrap up here: press Finish to see your report.",
    "leo": "Time's up. We'll stop here: press Finish for your report.",
}


def on_time_up(state: dict[str, Any]) -> list[Turn]:
    """Move to the wrap-up when the interview's minutes are spent (once)."""
    if state.get("timeUp"):
        return []
    state["timeUp"] = True
    state["position"] = len(state["plan"])
    return [_say(TIME_UP.get(state["persona"], TIME_UP["alex"]), wrapUp=True)]


def save_draft(state: dict[str, Any], draft: dict[str, Any]) -> list[Turn]:
    """Keep what the candidate is typing (answer and code) before it is sent."""
    state["draft"] = {**state.get("draft", {}), **draft}
    return []


def current_item(state: dict[str, Any]) -> dict[str, Any] | None:
    """Return the plan item being worked on, or None once all are done."""
    position = state["position"]
    return state["plan"][position] if position < len(state["plan"]) else None


def _run_reaction(persona: str, run: RunResult, submit: bool) -> str:
    hidden = sum(r.hidden for r in run.results)
    which = (
        f"{run.total} tests ({hidden} hidden)"
        if submit
        else f"{run.total} visible tests"
    )
    if run.passed == run.total:
        return f"All {which} pass."
    if persona == "maya":
        nudge = (
            "You're close: look at the first failing case and what it expects."
            if run.passed * 2 >= run.total
            else "Take it one case at a time: start with the first failing one."
        )
        return f"{run.passed} of {which} pass. {nudge}"
    return f"{run.passed} of {which} pass."


def on_run(
    content: InterviewContent,
    state: dict[str, Any],
    run: RunResult,
    code: str,
    *,
    submit: bool = False,
) -> list[Turn]:
    """Record a run of the code.

    The interview moves on to the follow-up questions once the visible tests
    all pass, or when the candidate submits (says the code is final).
    """
    state["runs"] += 1
    state["code"] = {"language": run.language, "source": code}
    summary = {
        "passed": run.passed,
        "total": run.total,
        "language": run.language,
        "submit": submit,
    }
    turns: list[Turn] = [
        {"role": "candidate", "kind": "run", "text": code, "data": summary}
    ]
    turns.append(_say(_run_reaction(state["persona"], run, submit)))

    item = current_item(state)
    visible_pass = all(r.status == "pass" for r in run.results if not r.hidden)
    if item is not None and item["type"] == "code" and (visible_pass or submit):
        state["position"] += 1
        turns += _prompt(content, state)
    return turns


def on_answer(
    content: InterviewContent,
    state: dict[str, Any],
    text: str,
    *,
    follow_up: str | None = None,
) -> list[Turn]:
    """Record the candidate's message and say what comes next."""
    turns: list[Turn] = [{"role": "candidate", "kind": "answer", "text": text}]
    item = current_item(state)
    if item is None:
        return [
            *turns,
            _say("We're done with the questions. Press Finish to see your report."),
        ]
    if item["type"] == "code":
        state["extra"].setdefault("code", []).append(text)
        return [
            *turns,
            _say("Thanks. Run the visible tests when you're ready to go on."),
        ]

    question = content.questions_by_id[item["id"]]
    answers: list[str] = state["answers"].setdefault(question.id, [])
    answers.append(text)
    persona = state["persona"]
    asked = state["extra"].setdefault("asked", [])

    probe = follow_up or question.follow_up
    if persona == "leo" and probe and question.id not in asked:
        asked.append(question.id)
        return [*turns, _say(probe, questionId=question.id, followUp=True)]
    weak = grading.score_answer(question, " ".join(answers)).score < STRUGGLE
    if persona == "maya" and weak and question.hint and question.id not in asked:
        asked.append(question.id)
        return [
            *turns,
            _say(f"Here's a hint: {question.hint} Want to add to your answer?"),
        ]

    state["position"] += 1
    return [*turns, *_prompt(content, state)]


def report(
    content: InterviewContent,
    state: dict[str, Any],
    persona_id: str,
    final_run: RunResult | None,
    *,
    scores: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Grade the session and return its report (the ``feedback`` document).

    ``scores`` are answer scores another grader (the LLM interviewer) gave, by
    question id; the built-in grader scores the rest.
    """
    items: list[tuple[int, dict[str, float]]] = []
    questions: list[dict[str, Any]] = []
    strengths: list[str] = []
    improvements: list[str] = []

    if content.problem is not None:
        code_score = _grade_code(content, state, final_run, strengths, improvements)
        items.append((code_score, content.problem.skills))
        source = (state.get("code") or {}).get("source")
        questions.append(
            {"q": content.problem.title, "answer": source, "score": code_score}
        )

    by_id = content.questions_by_id
    for item in state["plan"]:
        if item["type"] != "question":
            continue
        question = by_id[item["id"]]
        answer = " ".join(state["answers"].get(question.id, []))
        scored = grading.score_answer(question, answer)
        if scores and question.id in scores and question.answer is None:
            scored.score = scores[question.id]
        items.append((scored.score, question.skills))
        questions.append(
            {"q": question.prompt, "answer": answer or None, "score": scored.score}
        )
        _note_answer(question, answer, scored, strengths, improvements)

    if content.design is not None:
        design_score = _grade_board(content, state, strengths, improvements)
        items.append((design_score.score, dict.fromkeys(content.skills, 1.0)))
        drawn = ", ".join(design_score.present + design_score.optional) or "nothing yet"
        links = "; ".join(f"{a} -> {b}" for a, b in design_score.arrows) or "none"
        questions.append(
            {
                "q": "Whiteboard: the design drawn",
                "answer": f"Components: {drawn}. Arrows: {links}.",
                "score": design_score.score,
            }
        )

    skills = grading.weighted_skill_scores(items, content.skills)
    scored_skills = [v for v in skills.values() if v is not None]
    score = round(sum(scored_skills) / len(scored_skills)) if scored_skills else 0
    return {
        "score": score,
        "verdict": grading.verdict(score, skills, persona_id),
        "strengths": strengths,
        "improvements": improvements,
        "skills": [{"name": k, "score": v} for k, v in skills.items()],
        "questions": questions,
        "integrity": dict(state["integrity"]),
    }


def _grade_board(
    content: InterviewContent,
    state: dict[str, Any],
    strengths: list[str],
    improvements: list[str],
) -> design.DesignScore:
    assert content.design is not None
    said = " ".join(" ".join(answers) for answers in state["answers"].values())
    scored = design.grade_design(content.design, state.get("board", []), said)
    if scored.present:
        strengths.append(f"Your whiteboard had: {', '.join(scored.present)}.")
    if scored.missing:
        improvements.append(
            f"Missing from the whiteboard: {', '.join(scored.missing)}."
        )
    if scored.tradeoffs:
        strengths.append(f"You named trade-offs: {', '.join(scored.tradeoffs)}.")
    return scored


def _grade_code(
    content: InterviewContent,
    state: dict[str, Any],
    run: RunResult | None,
    strengths: list[str],
    improvements: list[str],
) -> int:
    if run is None or not state.get("code"):
        improvements.append("No code was run: write a solution and run the tests.")
        return 0
    hidden = [r for r in run.results if r.hidden]
    hidden_failed = sum(r.status != "pass" for r in hidden)
    if run.passed == run.total:
        strengths.append(
            f"Your code passed all {run.total} tests, including "
            f"{len(hidden)} hidden edge cases."
        )
    else:
        improvements.append(
            f"Your code passed {run.passed} of {run.total} tests "
            f"({hidden_failed} hidden "
            "tests failed): check edge cases such as empty or repeated input."
        )
    if state["runs"] > 1:
        strengths.append(f"You tested iteratively ({state['runs']} runs).")
    return round(100 * run.passed / run.total) if run.total else 0


def _note_answer(
    question: Question,
    answer: str,
    scored: grading.AnswerScore,
    strengths: list[str],
    improvements: list[str],
) -> None:
    short = (
        question.prompt if len(question.prompt) <= 60 else question.prompt[:57] + "..."
    )
    if not answer:
        improvements.append(f"'{short}' was not answered.")
    elif question.answer is not None:
        if scored.score < 100:
            improvements.append(f"'{short}': the answer is {question.answer}.")
    elif scored.score >= 70:
        strengths.append(f"'{short}': you covered {', '.join(scored.covered)}.")
    elif scored.missed:
        improvements.append(f"'{short}': also mention {', '.join(scored.missed)}.")
