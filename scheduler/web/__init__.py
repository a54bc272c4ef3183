"""The web service: HTTP only — ICS feed routes, Vietnamese pages, the admin area (`lichthidua serve`).

Entry point: :func:`scheduler.web.app.create_app`. Extension points for other
services (reminders): :mod:`scheduler.web.extensions`. What the routes serve
lives outside this package: the live calendar set in :mod:`scheduler.live`,
feed queries and the SEQUENCE/cancellation ledger in :mod:`scheduler.feeds`.
Nothing is imported here, so the pure helpers (http_cache, views, subscribe)
stay free of web and database libraries.
"""
