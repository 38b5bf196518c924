"""An optional LLM interviewer behind any OpenAI-compatible chat endpoint.

Configured by environment: IPYINTERVIEW_LLM_BASE_URL (for example
``http://127.0.0.1:11434/v1``), IPYINTERVIEW_LLM_MODEL and, if the endpoint
needs one, IPYINTERVIEW_LLM_API_KEY. It phrases the bar raiser's follow-up
questions and grades free-text answers against the rubric. Whatever it cannot
do (no configuration, an error, an answer that is not what was asked for), the
built-in engine does instead, deterministically.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass

import httpx

from .content import Question

logger = logging.getLogger(__name__)

_SCORE = re.compile(r"\{.*\}", re.S)


@dataclass(frozen=True)
class LLMConfig:
    """Where the chat endpoint is, which model, and its key (never logged)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_env(cls) -> LLMConfig | None:
        """Return the configuration from the environment, or None if unset."""
        base_url = os.environ.get("IPYINTERVIEW_LLM_BASE_URL")
        model = os.environ.get("IPYINTERVIEW_LLM_MODEL")
        if not base_url or not model:
            return None
        return cls(
            base_url.rstrip("/"), model, os.environ.get("IPYINTERVIEW_LLM_API_KEY")
        )


class LLMInterviewer:
    """Asks the chat endpoint for follow-ups and scores; None when it cannot."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        headers = (
            {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        )
        self._http = httpx.Client(
            base_url=config.base_url, headers=headers, timeout=config.timeout
        )

    def _chat(self, system: str, user: str) -> str | None:
        body = {
            "model": self.config.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        }
        try:
            response = self._http.post("/chat/completions", json=body)
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"]).strip()
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as err:
            logger.info("LLM interviewer unavailable, using the built-in one: %s", err)
            return None

    def follow_up(self, question: Question, answer: str) -> str | None:
        """Return a harder follow-up to ``answer``, or None."""
        system = (
            "You are a demanding but fair technical interviewer (a bar raiser). "
            "Ask exactly one short follow-up question that probes what the answer "
            "left out: complexity, edge cases or scaling. Reply with the question only."
        )
        user = f"Question: {question.prompt}\nCandidate's answer: {answer}"
        text = self._chat(system, user)
        return text if text and text.endswith("?") and len(text) < 400 else None

    def score(self, question: Question, answer: str) -> int | None:
        """Return the answer's score (0-100) against the rubric, or None."""
        points = "; ".join(alternatives[0] for alternatives in question.key_points)
        system = (
            "You grade interview answers by meaning, not wording. Compare the answer "
            "with the reference answer and its key points. Length alone earns "
            'nothing. Reply with JSON only: {"score": <0-100>, "reason": "..."}.'
        )
        user = (
            f"Question: {question.prompt}\nReference answer: {question.reference}\n"
            f"Key points: {points}\nCandidate's answer: {answer}"
        )
        text = self._chat(system, user)
        found = _SCORE.search(text or "")
        try:
            score = json.loads(found.group(0))["score"] if found else None
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(score, int | float) or not 0 <= score <= 100:
            return None
        return round(score)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


def load_interviewer() -> LLMInterviewer | None:
    """Return the configured LLM interviewer, or None (the built-in one is used)."""
    config = LLMConfig.from_env()
    return LLMInterviewer(config) if config else None
