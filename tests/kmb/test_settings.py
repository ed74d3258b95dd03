"""Production safety of the settings: checked in fresh processes, as a server would start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "kmb.example.cz",
    "CSRF_TRUSTED_ORIGINS": "https://kmb.example.cz",
    "DATABASE_URL": "postgres://kmb:secret@db:5432/kmb",
    "EMAIL_URL": "smtp+tls://kmb:secret@smtp.example.cz:587",
    "BEHIND_TLS_PROXY": "True",
}


def run_manage(*args, env):
    # A clean environment: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak in.
    ignored = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kmb.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_the_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "django-insecure-short", "x" * 60],
    ids=["missing", "django-insecure", "no variety"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    if secret_key:
        env["SECRET_KEY"] = secret_key

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_static_files_collect_for_production(tmp_path):
    """The hashed, compressed static files of production build: no CDN, no missing reference."""
    result = run_manage(
        "collectstatic", "--no-input", env={**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    )

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/htmx/htmx.min.js" in manifest
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
