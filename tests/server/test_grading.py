"""The built-in grader: meaning over length, exact answers exactly."""

from __future__ import annotations

from ipyinterview.server.content import Question
from ipyinterview.server.grading import score_answer, verdict, weighted_skill_scores

COMPLEXITY = Question(
    id="c",
    prompt="What is the complexity?",
    reference="Linear time O(n) with a hash map, and O(n) extra space for the map.",
    key_points=[["o(n)", "linear"], ["hash", "dictionary", "map"], ["space", "memory"]],
    skills={"Complexity": 1.0},
)


def test_a_paraphrase_scores_like_the_reference() -> None:
    reference = score_answer(COMPLEXITY, COMPLEXITY.reference).score
    paraphrase = score_answer(
        COMPLEXITY, "One linear pass using a dictionary; the dictionary costs memory."
    ).score

    assert paraphrase >= reference - 25
    assert paraphrase >= 70


def test_off_topic_text_scores_low() -> None:
    assert (
        score_answer(COMPLEXITY, "I enjoy hiking on weekends with my dog.").score < 20
    )


def test_length_alone_earns_nothing() -> None:
    padded = "I think that this is a very interesting question indeed. " * 40

    assert score_answer(COMPLEXITY, padded).score < 20


def test_an_empty_answer_scores_zero() -> None:
    assert score_answer(COMPLEXITY, "   ").score == 0


def test_skill_scores_are_weighted_means_and_unscored_skills_are_none() -> None:
    scores = weighted_skill_scores(
        [(100, {"A": 1.0}), (50, {"A": 1.0, "B": 0.5})], ["A", "B", "C"]
    )

    assert scores == {"A": 75, "B": 50, "C": None}


def test_the_verdict_names_strongest_and_weakest_and_leo_holds_a_higher_bar() -> None:
    skills = {"Hash maps": 90, "Complexity": 60}

    supportive = verdict(78, skills, "maya")
    raiser = verdict(78, skills, "leo")

    assert "Hash maps" in supportive
    assert "Complexity" in supportive
    assert supportive.startswith("Strong")
    assert not raiser.startswith("Strong")


def test_inflections_and_word_order_still_match_a_key_point() -> None:
    question = Question(
        id="s",
        prompt="How is it stored?",
        reference="Store the mapping in a key-value store keyed by the short code.",
        key_points=[["key-value store"], ["hash map"]],
        skills={"Storage": 1.0},
    )

    scored = score_answer(
        question,
        "The codes are stored as keys; values live in a map keyed by their hash.",
    )

    assert scored.covered == ["key-value store", "hash map"]
