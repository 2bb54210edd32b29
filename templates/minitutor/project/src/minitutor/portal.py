"""The learner-facing portal page.

The portal is a client of the tutor's API: it takes the same JSON text that
``POST /quiz/submit`` sends and reads it the way many quick clients do, by
position: the first value goes in the English slot, the second in the Spanish
one. It never looks at the key names. While the API keeps the contract's
field order that is harmless; the day the order changes, the page shows the
wrong language in the wrong slot and no error is raised anywhere.

Each slot is an element whose ``data-slot`` attribute is the contract field
the slot is meant for (``correction`` or ``spanish``). The page renders its own
answer every time; only the API serves from the answer cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from minitutor import agent

_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def api_answer(sentence: str) -> str:
    """The JSON text the API would send for this sentence."""
    return agent.to_json(agent.tutor(sentence))


def slots(answer_json: str) -> dict[str, str]:
    """Fill the page's slots from the API's JSON text, by position."""
    payload = json.loads(answer_json)
    english, spanish = payload.values()
    return {"correction": english, "spanish": spanish}


def render_page(sentence: str | None, *, error: str | None = None, version: str = "dev") -> str:
    """The whole HTML page; with no sentence, only the form."""
    filled = slots(api_answer(sentence)) if sentence else None
    return _env.get_template("portal.html").render(
        sentence=sentence or "", slots=filled, error=error, version=version
    )
