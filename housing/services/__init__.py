"""State changes of the housing stock: flats (flats.py), owners (owners.py) and leases
(leases.py)."""
