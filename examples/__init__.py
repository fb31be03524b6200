"""Runnable example apps, each wrapped in corsware's CORSMiddleware.

The integration tests import these modules (``examples.flask_app`` and so on) and drive them, so
every example here is known to work.
"""
