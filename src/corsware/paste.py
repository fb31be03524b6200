"""PasteDeploy: corsware as a ``[filter:cors]`` section of a Pyramid (or any PasteDeploy) ini file.

::

    [filter:cors]
    use = egg:corsware
    origins = https://app.example.com http://localhost:*
    allow_credentials = true
    paths = /api/*

    [pipeline:main]
    pipeline = cors myapp

The settings are read by :mod:`corsware.textconfig`, so ``true``/``false`` are the only booleans and
lists are separated by whitespace or commas.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from corsware.middleware import CORSMiddleware
from corsware.textconfig import parse_settings

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = ["filter_app_factory"]


def filter_app_factory(
    app: WSGIApplication, global_conf: Mapping[str, str], **local_conf: str
) -> CORSMiddleware:
    """Wrap ``app`` in :class:`~corsware.CORSMiddleware` configured by a filter section's settings.

    PasteDeploy calls this for ``use = egg:corsware`` (entry point ``paste.filter_app_factory``,
    name ``main``).

    Args:
        app: The next application in the pipeline.
        global_conf: The ini file's ``[DEFAULT]`` settings; only its ``__file__`` is used, to name
            the file in errors.
        **local_conf: The filter section's settings: ``origins``, ``origin_regexes``, ``methods``,
            ``allow_headers``, ``expose_headers``, ``allow_credentials``, ``max_age``,
            ``allow_private_network`` and ``paths``.

    Raises:
        CORSConfigError: listing every problem, each named by its setting key.
    """
    where = f"{global_conf.get('__file__', 'PasteDeploy config')} (corsware filter)"
    return CORSMiddleware(app, **parse_settings(local_conf, where=where))
