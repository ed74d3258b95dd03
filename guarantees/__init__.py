"""Guarantees on leases, guarantee funds and claims."""
