"""ASGI entry point of the example Django project: ``uvicorn examples.django_app.asgi:application``.

The same project as ``wsgi.py``, served by an ASGI server: corsware's ASGI middleware wraps Django's
ASGI handler, so preflights are answered before Django's middleware (the token check) runs, and
every response Django sends, its 401s, 404s and 500 pages included, gets the CORS headers.
"""

import os

from django.core.asgi import get_asgi_application

from corsware.asgi import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_app.settings")

application = CORSMiddleware(
    get_asgi_application(),
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)
