"""Housing stock: flats, owners, leases, tenancy events, matching and the housing commission."""
