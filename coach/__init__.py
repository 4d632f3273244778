"""coach: turn a diarized call transcript into a coaching report for a CSM."""

__version__ = "0.1.0"
