# The KMB web app under gunicorn; static files served by WhiteNoise. See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# Editable, so that templates, locale and static files are found next to the code in /app.
RUN pip install -e . \
 && python manage.py compilemessages --ignore=.venv --ignore=static \
 && DEBUG=False SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --no-input \
 && useradd --system --home /app kmb && mkdir -p /app/media && chown kmb /app/media
USER kmb

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "kmb.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
