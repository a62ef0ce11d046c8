"""``relgraph serve``: the store in a web browser, read-only, on this machine.

:func:`create_app` is an ASGI application (Starlette) over one store, opened
read-only and held open for the server's life; :func:`serve` runs it with
uvicorn on 127.0.0.1. Pages and a JSON API (``/api/...``, described at
``/api/openapi.json``) call the same library functions as the CLI:

- ``/``: find nodes by name, alias or id (:func:`relgraph.api.find`), by type and status;
- ``/nodes/ID``: what ``relgraph show`` prints, with the node's neighbourhood drawn by
  the view ``relgraph view`` writes (``/view/nodes/ID``, :func:`relgraph.views.page`);
- ``/queries`` and ``/queries/NAME``: every stored query as a form built from its typed
  parameters, its rows as a table sorted and paged by the URL, as CSV and JSON, and as a
  graph (``/view/queries/NAME``).

Every page's state is in its URL. Nothing is fetched from outside: every script and
style is served by relgraph, and a Content-Security-Policy allows nothing else.
Templates escape every value (Jinja2 autoescape).

Importing this package imports Starlette and Jinja2: only ``relgraph serve`` does.
"""

from relgraph.serve.app import create_app, serve

__all__ = ["create_app", "serve"]
