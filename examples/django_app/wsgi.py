"""WSGI entry point of the example Django project: ``gunicorn examples.django_app.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from corsware import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_app.settings")

application = CORSMiddleware(
    get_wsgi_application(),
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)
