"""Rendering: per-paper and daily Markdown (markdown.py), the day's files (day.py), and the other outputs."""
