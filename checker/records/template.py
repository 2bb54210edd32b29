"""A template record for the learner: a fenced ```yaml block with guidance in
English or Spanish, that parses and does not validate until filled in."""

from __future__ import annotations

import json

from checker.records.model import RecordRules

_GUIDE: dict[str, dict[str, str]] = {
    "en": {
        "head": (
            "Record of the break of lab {lab}. Fill in every field and keep the\n"
            "indentation, then run: lab check {lab}\n"
            "Put a value in quotes if it holds ': ' or ' #'. For a longer text,\n"
            "go on writing on the next lines, indented under the key."
        ),
        "concept": "The release-engineering idea behind the break, in one line.",
        "symptom": "What you observed: the failing command, its message, the impact.",
        "hidden_cause": "Why it happened: the change behind it and how it led to the symptom.",
        "hint_1": "Three different hints for the next learner, from gentle to\nalmost the answer.",
        "fix_diff": (
            "Your fix: a unified diff (git diff) of at most {budget} changed lines,\n"
            "written as\n"
            "  fix_diff: |\n"
            "    diff --git a/... b/...\n"
            "or a sentence naming every file you changed."
        ),
    },
    "es": {
        "head": (
            "Registro de la avería del laboratorio {lab}. Rellena cada campo sin\n"
            "cambiar la sangría y después ejecuta: lab check {lab}\n"
            "Pon un valor entre comillas si contiene ': ' o ' #'. Un texto largo\n"
            "puede seguir en las líneas siguientes, sangradas bajo la clave."
        ),
        "concept": "La idea de ingeniería de releases detrás de la avería, en una línea.",
        "symptom": "Lo que observaste: el comando que falla, su mensaje, el impacto.",
        "hidden_cause": "Por qué ocurrió: el cambio que lo provocó y cómo llevó al síntoma.",
        "hint_1": "Tres pistas distintas para quien venga después, de suave a\ncasi la respuesta.",
        "fix_diff": (
            "Tu arreglo: un diff unificado (git diff) de {budget} líneas cambiadas\n"
            "como máximo, escrito así\n"
            "  fix_diff: |\n"
            "    diff --git a/... b/...\n"
            "o una frase que nombre cada fichero que cambiaste."
        ),
    },
}


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.split("\n")]


def template_record(rules: RecordRules, lang: str = "en") -> str:
    """A fenced ```yaml block with one empty record for the lab, with guidance.

    It parses, and it does not validate until the learner fills it in.
    """
    guide = _GUIDE.get(lang[:2].casefold(), _GUIDE["en"])
    fmt = {"lab": rules.bug_id, "budget": rules.line_budget}
    out = ["```yaml", *_comment(guide["head"].format(**fmt), "")]
    out.append(f"- bug-id: {json.dumps(rules.bug_id, ensure_ascii=False)}")
    names = [n for n in (*rules.required, *rules.mentions) if n != "bug-id"]
    for name in dict.fromkeys(names):
        if name in guide:
            out.extend(_comment(guide[name].format(**fmt), "  "))
        out.append(f'  {name}: ""')
    out.append("```")
    return "\n".join(out) + "\n"
