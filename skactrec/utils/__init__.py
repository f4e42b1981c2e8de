"""Utilities every other part uses: atomic files and hashing, progress, the hardware, the
compute precisions. Nothing here knows about videos or models."""
