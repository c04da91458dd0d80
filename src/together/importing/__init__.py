"""Reading another survey tool's export and working out how it maps onto a framework.

Plain Python with no Django import, so that the command line, the web import and their tests
share one analysis:

- :mod:`.reading` opens a CSV (any common encoding, separator and line ending) or XLSX file
  into rows of strings, with bounds on size;
- :mod:`.layouts` recognises the tool that wrote it, its header rows, and the columns that
  identify people, which are dropped before anything is stored;
- :mod:`.matching` matches columns to the framework's statements, priorities, comments,
  organisations and groups, with a confidence for each;
- :mod:`.values` lists each distinct answer with its count and suggests where it goes on the
  framework's scale, and finds summary and empty rows;
- :mod:`.mapping` holds every choice in one JSON document (see ``docs/importing.md``), and
  applies it: the rows to store, and the dry run that says what would be stored.
"""
