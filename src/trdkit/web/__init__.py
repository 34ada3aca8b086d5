"""The clinician's web app: server-rendered pages (Jinja2 + HTMX) over the API's own routes.

``trdkit.web.app.install_web(app)`` adds the pages to the application that
``trdkit.api.create_app`` builds; ``trdkit demo`` (``trdkit.web.demo``) serves it on a seeded
demo database. See docs/web.md. Nothing is imported here, so that the command line can load
``trdkit.web.demo`` without the web stack.
"""
