"""The web service: the REST API (``api``) and the HTML pages, served by one FastAPI app
built by :func:`claimtrack.web.app.create_app`."""
