"""Kept for the records module's imports: the kit has one error root in labcore."""

from labcore.errors import DataError as EvidenceError  # noqa: F401
from labcore.errors import located  # noqa: F401
