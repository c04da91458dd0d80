"""Benchmarks for Transforming Together. Run them with ``make bench`` (``python -m bench``)."""
