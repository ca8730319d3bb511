"""Local fakes of the services a Braze webhook talks to, so the whole loop runs offline.

`core` is the small HTTP server every fake is built on (uvicorn + h11, limits, auth
helpers, JSON errors, log hygiene, SQLite helpers); `rokt` is the Rokt Calendar API.
The fakes need the optional `fake` extra: `pip install 'rokt-braze[fake]'`.
"""
