"""State changes of the housing stock: flats (flats.py) and leases (leases.py)."""
