"""factory-boy factories, one module per app. The demo data (manage.py seed_demo) uses them too."""
