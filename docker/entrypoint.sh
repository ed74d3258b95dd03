#!/bin/sh
# Apply migrations on every start (they are idempotent), then run the given command.
set -e
python manage.py migrate --no-input
exec "$@"
