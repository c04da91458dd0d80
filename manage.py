#!/usr/bin/env python
"""Django's manage.py for working on the code in a checkout.

With no SECRET_KEY in the environment it runs with DEBUG on (and a development-only key), so
commands such as ``makemigrations`` work out of the box. Deployed services use ``together`` or
gunicorn with their settings in the environment, where this never applies.
"""

import os

from together.cli import main

if __name__ == "__main__":
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DEBUG", "true")
    main()
