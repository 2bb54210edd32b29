"""labcore: what both halves of the kit need, below both.

The one error root, the journal's event names, strict reading of files, and
the git, lock and name helpers. It imports nothing from ``labkit`` or
``checker``; both import it.
"""
