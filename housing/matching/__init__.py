"""The matching service: households ↔ flats, case managers and support providers.

`engine` is pure NumPy/SciPy (no Django): eligibility, scores, reasons and assignments over plain
arrays. `rules` names the rules and turns their results into translated sentences. `load` (the ORM
adapter) builds the engine's arrays from the database.
"""
