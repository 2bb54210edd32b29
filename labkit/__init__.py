"""labkit: break-fix labs for release engineering (the doing half of the kit)."""

__version__ = "0.1.0"
