"""Settings for the example Django project: the minimum a JSON API needs, no database."""

SECRET_KEY = "example-only-not-secret"  # noqa: S105 - an example; load a real key from the environment
DEBUG = False
# Django checks Host before any view runs; list the names the server is reached by.
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "examples.django_app.urls"
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "examples.django_app.views.BearerTokenMiddleware",
]
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
