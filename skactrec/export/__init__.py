"""Serving a fitted model without skactrec (work in progress)."""
