"""Drafting calendars from received plans (`lichthidua import`) and checking plans (`lichthidua lint-plan`)."""
