"""paperbrief: turn a day of Hugging Face Daily Papers into a faithful research briefing."""

__version__ = "0.1.0"
