"""The web service: live calendars, ICS feeds and Vietnamese pages (`lichthidua serve`).

Entry point: :func:`scheduler.web.app.create_app`. Extension points for other
services (reminders): :mod:`scheduler.web.extensions`. Nothing is imported
here, so the pure modules (feeds, http_cache, revisions, views, subscribe)
stay free of web and database libraries.
"""
