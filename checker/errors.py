"""The checker's names for the kit's one error hierarchy (see :mod:`labcore.errors`)."""

from __future__ import annotations

from labcore.errors import DataError, LabError, located

# A problem with evidence the user can act on; ``str(err)`` is one sentence.
CheckerError = LabError
# A file of evidence (journal, records) cannot be read as such.
EvidenceError = DataError

__all__ = ["CheckerError", "DataError", "EvidenceError", "located"]
