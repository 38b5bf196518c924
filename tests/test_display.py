"""HTML report cards escape what people wrote."""

from __future__ import annotations

from ipyinterview.models import Session

HOSTILE = "<script>alert(1)</script>"


def test_a_report_card_shows_score_verdict_and_skills() -> None:
    session = Session.model_validate(
        {
            "_id": "s1",
            "status": "completed",
            "score": 72,
            "interviewId": "dsa-1",
            "feedback": {
                "score": 72,
                "verdict": "Solid on maps.",
                "skills": [{"name": "Hash maps", "score": 80}],
                "strengths": ["Clear code"],
                "improvements": [HOSTILE],
            },
        }
    )

    html = session._repr_html_()

    assert ">72<" in html
    assert "Solid on maps." in html
    assert "width:80%" in html
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_a_session_without_report_says_so() -> None:
    session = Session.model_validate({"_id": "s2", "status": "active"})

    assert "no report yet" in session._repr_html_()
