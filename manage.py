#!/usr/bin/env python
"""Django's manage.py; the ``together`` command does the same with a friendlier name."""

from together.cli import main

if __name__ == "__main__":
    main()
