"""The rules for names the kit turns into paths: learners, templates, versions.

Every rule is a full match: a trailing newline or a path separator never
passes, so a name is always safe as one path component.
"""

from __future__ import annotations

import re

# A learner, a template: lower-case letters, digits, '-' and '_', up to 64.
SIMPLE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# A release version as the runtime accepts it (artifact and tag names): 1.2.3, 2.0.0-rc1.
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,63}")


def is_simple_name(name: object) -> bool:
    return isinstance(name, str) and SIMPLE_NAME.fullmatch(name) is not None


def is_version(version: object) -> bool:
    return (isinstance(version, str) and VERSION.fullmatch(version) is not None
            and ".." not in version)
