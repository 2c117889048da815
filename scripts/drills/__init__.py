"""Reliability drills (issue 11): one module per drill family; scripts/drill.py runs them."""
