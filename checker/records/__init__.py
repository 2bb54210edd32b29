"""The learner's record of a break (``notes/breaks.md``): parse and validate.

A records file is Markdown holding a YAML list of records, either as the
whole file ("bare") or in one or more fenced ```yaml (or ```yml) blocks among
prose; the lists of all blocks are joined in order. A file with no fenced
yaml block is read as bare YAML.

- :mod:`.model`: records, rules, findings and reports;
- :mod:`.fences`: finding the fenced yaml blocks;
- :mod:`.tree`: from the strict YAML node tree to records with file lines
  (raises :class:`~labcore.errors.DataError` for a file that cannot be read);
- :mod:`.validate`: judging records (never raises; returns findings);
- :mod:`.matching`: terms matched on meaning (case, accents, endings, synonyms);
- :mod:`.evidence`: claims held against the journal and the release history;
- :mod:`.template`: a template record for the learner.
"""

from checker.records.evidence import Evidence
from checker.records.model import (
    HINT_FIELDS,
    MAX_BYTES,
    MAX_NODES,
    MAX_RECORDS,
    REQUIRED_FIELDS,
    Finding,
    FixVerdict,
    Mention,
    Record,
    RecordRules,
    RecordsReport,
)
from checker.records.template import template_record
from checker.records.tree import parse_records
from checker.records.validate import validate_file, validate_record

__all__ = [
    "Evidence",
    "HINT_FIELDS",
    "MAX_BYTES",
    "MAX_NODES",
    "MAX_RECORDS",
    "REQUIRED_FIELDS",
    "Finding",
    "FixVerdict",
    "Mention",
    "Record",
    "RecordRules",
    "RecordsReport",
    "parse_records",
    "template_record",
    "validate_file",
    "validate_record",
]
