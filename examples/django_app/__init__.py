"""A Django JSON API behind corsware: a project reduced to settings, views, URLs and ``wsgi.py``."""
