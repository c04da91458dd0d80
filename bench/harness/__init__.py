"""What every benchmark needs besides what it measures, written once.

- ``process``: the checkout's paths, progress lines, set-up commands, worker processes and the
  re-run of a benchmark under ``scripts/with-postgres.sh``;
- ``database``: a fresh SQLite file or PostgreSQL database, migrated with the framework loaded,
  and what the server says about itself (version, durability settings);
- ``server``: the production environment and static files, and gunicorn started, waited for,
  accounted and stopped;
- ``cpu``: CPU accounting from ``/proc`` (the server's processes, PostgreSQL, everything else)
  and a reference loop for the machine's speed;
- ``measure``: percentiles, timing summaries, cProfile and SQL timers;
- ``report``: the command line every benchmark shares, machine details and the result file;
- ``respondents``: simulated respondents answering the questionnaire through HTTP;
- ``synthetic``: a synthetic partnership, rounds and answers.

See bench/README.md ("The harness") for how a benchmark uses them.
"""
