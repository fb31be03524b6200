r"""Migration: flask-cors options and django-cors-headers settings as corsware keyword arguments.

Each function returns keyword arguments for :class:`~corsware.CORSMiddleware` under which a browser
allows and blocks the same cross-origin calls as under the peer, wherever the peer was safe. Where the
peer was not, the function refuses with a :class:`~corsware.CORSConfigError` that says what the peer
did and what to write instead, rather than copying the hole:

- **Regular expressions matched with** ``re.match``. Both peers anchor an origin regex only at its
  start, so ``https://.*\.example\.com`` also admits ``https://x.example.com.attacker.test``. An
  origin regex is converted only when every alternative ends in ``$`` or ``\Z``: then, for the
  origins browsers send (which never contain a newline), ``re.match`` and corsware's ``fullmatch``
  agree exactly. flask-cors header regexes have no corsware equivalent and are refused too.
- **Resources answered by the wrong policy.** flask-cors sorts resources by kind, slash count
  and length; where that hands a resource's paths to an earlier one with other options
  (CVE-2024-6839), the migration refuses.
- **Credentials with any origin.** flask-cors' ``supports_credentials=True`` with its default
  ``origins="*"``, and django-cors-headers' ``CORS_ALLOW_ALL_ORIGINS`` with
  ``CORS_ALLOW_CREDENTIALS``, reflect every origin with ``Access-Control-Allow-Credentials: true``.

Path patterns keep the peer's meaning, including its prefix matching (a path regex ``^/api/`` still
covers everything below ``/api/``), with one deliberate exception: flask-cors' ``"/api/*"``, which as a
regular expression also covered ``/apiary`` and ``/api-internal``, becomes corsware's ``"/api/*"``:
``/api`` and everything below it, nothing else.

One other difference the browser can see: flask-cors' ``methods="*"``, which never matched a
preflight, now allows any method.

.. versionadded:: 0.1
"""

from corsware.migrate.django_cors_headers import from_django_cors_headers
from corsware.migrate.flask_cors import from_flask_cors

__all__ = ["from_django_cors_headers", "from_flask_cors"]
