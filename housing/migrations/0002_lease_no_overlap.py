"""No two leases of one flat overlap in time: an exclusion constraint on PostgreSQL.

The constraint lives in this migration rather than in Lease.Meta because SQLite has no exclusion
constraints; there Lease.clean refuses the overlap (it does on PostgreSQL too, in words)."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "housing_lease_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE housing_lease ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
            "(flat_id WITH =, daterange(start_on, COALESCE(ended_on, end_on), '[]') WITH &&)"
        )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE housing_lease DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint, elidable=False),
    ]
