"""The site's own words, in every language the site is built in.

The generated pages (lab pages, the labs index, the CLI reference) take every
sentence they add from here, so a page exists in English and Spanish or not at
all.
"""

from __future__ import annotations

LANGS = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "glance": "Lab {id} at a glance",
        "phase": "Course phase: {phase}",
        "start": "Set up your workspace: `lab start {id}`",
        "break": "Inject the faults: `lab break {id}`",
        "hint": "Stuck? Ask for the next hint: `lab hint {id}`",
        "record": "Write the break down in `notes/breaks.md` ([record format](../reference/records.md))",
        "check": "Check the recovery and the record: `lab check {id}`",
        "theory_title": "Theory behind this lab",
        "theory_intro": "Read these before the lab, or after it if you would rather find "
        "the break yourself:",
        "index_title": "Labs",
        "index_intro": "Every lab breaks a small but real service on purpose, often with "
        "two coupled faults. You detect the break, recover the service, fix the cause "
        "and write a record of what happened; the kit times the recovery and checks "
        "the record. The pages below are generated from each lab's own brief, so they "
        "always match the lab you run.",
        "index_how": "New here? Read [Getting started](../getting-started.md) first.",
        "index_empty": "This copy of the kit has no labs installed yet.",
        "col_id": "Lab",
        "col_title": "Title",
        "cli_title": "CLI reference",
        "cli_intro": "This page is generated from the argument parser of `lab` every "
        "time the site is built, so it shows exactly what `lab --help` and "
        "`lab COMMAND --help` print for this version of the kit.",
        "cli_usage": "Every command returns a non-zero exit code when it fails and "
        "prints one plain sentence saying why; commands that take `--json` print a "
        "machine-readable result instead of the human view.",
        "cli_aliases": "Also available as: {aliases}.",
        "exit_title": "Exit codes",
        "exit_intro": "Every command ends with one of these exit codes, so scripts can "
        "tell what happened without reading the message.",
        "col_code": "Code",
        "col_name": "Name",
        "col_meaning": "Meaning",
        "recipes_title": "Recipes in your workspace",
        "recipes_intro": "Inside a workspace (`lab shell LAB` opens one with the tools on "
        "PATH) you operate the service with its own `just` recipes. This table is read from "
        "the template's Justfile when the site is built.",
        "recipes_template": "Template `{template}`:",
        "recipes_col_recipe": "Recipe",
        "recipes_col_does": "What it does",
        "json_title": "JSON output",
        "json_intro": "With `--json`, a command prints its result as one JSON object "
        "instead of the human view. Every such object is the same envelope:",
        "json_schema_version": "`schema_version`: the version of this envelope, "
        "currently {version}. It changes only when a change would break a script that "
        "reads the output.",
        "json_command": "`command`: the command that printed it, without `lab` and "
        "without options, for example `check` or `artifacts list`.",
        "json_data": "`data`: the command's result; its shape is the command's own.",
        "json_example": "For example, `{invocation}` prints:",
        "json_commands": "Commands that take `--json`: {commands}.",
        "permalink": "Permanent link",
    },
    "es": {
        "glance": "El laboratorio {id} de un vistazo",
        "phase": "Fase del curso: {phase}",
        "start": "Prepara tu espacio de trabajo: `lab start {id}`",
        "break": "Inyecta los fallos: `lab break {id}`",
        "hint": "¿Atascado? Pide la siguiente pista: `lab hint {id}`",
        "record": "Anota la avería en `notes/breaks.md` "
        "([formato del registro](../reference/records.md))",
        "check": "Comprueba la recuperación y el registro: `lab check {id}`",
        "theory_title": "La teoría de este laboratorio",
        "theory_intro": "Léela antes del laboratorio, o después si prefieres descubrir "
        "la avería por tu cuenta:",
        "index_title": "Laboratorios",
        "index_intro": "Cada laboratorio rompe a propósito un servicio pequeño pero real, "
        "a menudo con dos fallos acoplados. Tú detectas la avería, recuperas el "
        "servicio, corriges la causa y dejas constancia por escrito; el kit cronometra "
        "la recuperación y revisa el registro. Las páginas de abajo salen del enunciado "
        "de cada laboratorio, así que siempre coinciden con lo que ejecutas.",
        "index_how": "¿Es tu primera vez? Empieza por [Primeros pasos](../getting-started.md).",
        "index_empty": "Esta copia del kit todavía no tiene laboratorios instalados.",
        "col_id": "Laboratorio",
        "col_title": "Título",
        "cli_title": "Referencia de la CLI",
        "cli_intro": "Esta página se genera a partir del analizador de argumentos de "
        "`lab` cada vez que se construye el sitio, así que muestra exactamente lo que "
        "imprimen `lab --help` y `lab COMANDO --help` en esta versión del kit. La "
        "ayuda de la propia herramienta está en inglés y se reproduce tal cual.",
        "cli_usage": "Cuando un comando falla, termina con un código distinto de cero y "
        "explica el motivo en una sola frase; los que aceptan `--json` imprimen un "
        "resultado legible por máquinas en lugar de la vista para personas.",
        "cli_aliases": "También disponible como: {aliases}.",
        "exit_title": "Códigos de salida",
        "exit_intro": "Todo comando termina con uno de estos códigos de salida, así que "
        "un script sabe qué ha pasado sin leer el mensaje.",
        "col_code": "Código",
        "col_name": "Nombre",
        "col_meaning": "Significado",
        "recipes_title": "Recetas de tu espacio de trabajo",
        "recipes_intro": "Dentro de un espacio de trabajo (`lab shell LAB` abre uno con las "
        "herramientas en el PATH) manejas el servicio con sus propias recetas de `just`. Esta "
        "tabla se lee del Justfile de la plantilla al construir el sitio; la descripción de "
        "cada receta está en inglés, como en el propio Justfile.",
        "recipes_template": "Plantilla `{template}`:",
        "recipes_col_recipe": "Receta",
        "recipes_col_does": "Qué hace",
        "json_title": "Salida JSON",
        "json_intro": "Con `--json`, un comando imprime su resultado como un objeto JSON "
        "en lugar de la vista para personas. Todos esos objetos tienen el mismo sobre:",
        "json_schema_version": "`schema_version`: la versión de este sobre, ahora la "
        "{version}. Solo cambia cuando un cambio rompería un script que lee la salida.",
        "json_command": "`command`: el comando que lo imprimió, sin `lab` y sin opciones, "
        "por ejemplo `check` o `artifacts list`.",
        "json_data": "`data`: el resultado del comando; su forma es la propia del comando.",
        "json_example": "Por ejemplo, `{invocation}` imprime:",
        "json_commands": "Comandos que aceptan `--json`: {commands}.",
        "permalink": "Enlace permanente",
    },
}

# One line per named exit code of labcore/errors.py, in every language. A code
# without its line here fails the build and tests/test_site.py.
EXIT_MEANINGS: dict[str, dict[str, str]] = {
    "EXIT_OK": {
        "en": "The command did what was asked; for a check, everything it checks passed.",
        "es": "El comando hizo lo que se le pidió; en una comprobación, todo lo "
        "comprobado está bien.",
    },
    "EXIT_FAIL": {
        "en": "The command failed, or what it checks did not pass; the message says why.",
        "es": "El comando falló, o lo que comprueba no está bien; el mensaje dice por qué.",
    },
    "EXIT_USAGE": {
        "en": "The command line is wrong: an unknown command or option, a missing "
        "argument, or a lab that does not exist.",
        "es": "La línea de órdenes no es válida: un comando u opción desconocidos, falta "
        "un argumento o el laboratorio no existe.",
    },
    "EXIT_NO_ROLLBACK": {
        "en": "From a rollback: it has nothing to go back to, no release served before "
        "this one, or its artifact is gone.",
        "es": "De un rollback: no tiene a qué volver, ninguna versión se sirvió antes de "
        "esta, o su artefacto ya no existe.",
    },
    "EXIT_REVIEW": {
        "en": "From lab records validate: the record's structure and fix are right, but a "
        "free-text field could not be matched or disagrees with the evidence; an "
        "instructor reads it (lab review).",
        "es": "De lab records validate: la estructura y la corrección del registro están "
        "bien, pero un campo de texto libre no se pudo reconocer o contradice la "
        "evidencia; lo lee un instructor (lab review).",
    },
    "EXIT_LOCKED": {
        "en": "Another command holds the workspace's lock and did not release it in "
        "time; try again when it ends.",
        "es": "Otro comando tiene el cerrojo del espacio de trabajo y no lo soltó a "
        "tiempo; vuelve a intentarlo cuando termine.",
    },
    "EXIT_INTERRUPTED": {
        "en": "The command was interrupted (Ctrl-C) before it finished.",
        "es": "El comando se interrumpió (Ctrl-C) antes de terminar.",
    },
}
