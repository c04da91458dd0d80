"""``python -m bench``: the questionnaire load benchmark. ``--help`` lists the options."""

import sys

from bench.questionnaire_load import main

sys.exit(main())
