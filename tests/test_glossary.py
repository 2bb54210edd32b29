"""Spanish text follows the glossary (docs/reference/glossary.es.md): a word the glossary
marks «nunca» appears neither on the built site's Spanish pages, nor in the kit's Spanish
messages, nor in the record template `lab record --lang es` writes."""

from __future__ import annotations

import html
import re

import yaml
from site_support import Site
from support import KIT_ROOT, copy_workspace, course_env, lab

GLOSSARY = KIT_ROOT / "docs" / "reference" / "glossary.es.md"


def banned() -> re.Pattern[str]:
    """The words the glossary rules out, as stems: «recompilar» also catches «recompila»."""
    words = re.findall(r"nunca «([^»]+)»", GLOSSARY.read_text(encoding="utf-8"))
    assert words, "the glossary names no word to avoid"
    stems = [w[:-2] if w.endswith(("ar", "er", "ir")) else w for w in words]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.I)


def page_text(path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_spanish_pages_of_the_site_use_the_glossarys_words(built_site: Site) -> None:
    pattern, found, pages = banned(), [], 0
    for path in sorted((built_site.root / "es").rglob("*.html")):
        rel = path.relative_to(built_site.root).as_posix()
        # The glossary names the words it rules out; every other page follows it, the
        # labs' briefs (labs/*/README.es.md) included.
        if rel.startswith("es/reference/glossary/"):
            continue
        pages += 1
        found += [f"{rel}: {m.group(0)}" for m in pattern.finditer(page_text(path))]
    assert pages >= 10 and not found, found


def test_the_kits_spanish_messages_use_the_glossarys_words() -> None:
    messages = yaml.safe_load((KIT_ROOT / "labkit" / "messages.yaml").read_text("utf-8"))
    pattern = banned()
    found = [f"{key}: {m.group(0)}" for key, text in messages.items()
             if isinstance(text, dict) for m in pattern.finditer(str(text.get("es", "")))]
    assert not found, found


def test_the_spanish_record_template_uses_the_glossarys_words(started_38_01_snapshot,
                                                               tmp_path) -> None:
    course = tmp_path / "course"
    ws = copy_workspace(started_38_01_snapshot, course)
    lab("record", "38-01", "--lang", "es", cwd=ws, env=course_env(course))
    template = (ws / "notes" / "breaks.md").read_text(encoding="utf-8")
    assert "Registro de la avería del laboratorio 38-01" in template
    assert not banned().findall(template)
