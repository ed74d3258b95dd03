"""Demo data (manage.py seed_demo). Builds on every other app; nothing imports it."""
