"""The live calendar set: the calendar folder, watched and reloaded, and each calendar's expanded state.

One set serves the feeds, the pages and the reminders; it speaks no HTTP.
"""
