"""checker: judging a recovery from evidence (journal, stopwatch, records, checks, grading).

Pure functions over evidence; never prints and never imports the CLI.
"""
