"""The analysis core: plain functions from answer histograms to results. No Django, no I/O.

Its cost grows with the number of histogram cells (statements × groups × scale points), never
with the number of answers: the database does the counting.
"""
