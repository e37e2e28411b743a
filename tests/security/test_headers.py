"""Headers of every page, cookies in production, and `check --deploy` with production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def csp_of(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["home", "account_login", "account_signup", "account_reset_password", "account_request_login_code"]
)
def test_public_pages_carry_a_strict_csp_and_a_permissions_policy(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    policy = csp_of(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    # Every script of the page is a file carrying this request's nonce: none is inline.
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("applicant", reverse("applications:mine")),
        ("applicant", reverse("accounts:profile")),
        ("reviewer", reverse("applications:review_queue")),
    ],
)
def test_pages_shown_to_someone_signed_in_are_never_stored(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        offenders += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.relative_to(ROOT)}: javascript:" for _ in re.findall(r"javascript:", text, re.I)]
    assert offenders == []


def production_env(**extra: str) -> dict[str, str]:
    # Nothing of the test run's own environment (a browser test sets DJANGO_ALLOW_ASYNC_UNSAFE),
    # except its services: in the PostgreSQL and Redis run, the check sees production's
    # database and cache settings (DATABASE_URL, REDIS_URL), as a deployment would.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SESSION_", "LOGIN_")) and k != "WEB_CONCURRENCY"
    }
    # Production has Redis; the check only reads the address (the SQLite run has none running).
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.update(
        DJANGO_SECURE="true",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 20 + Fernet.generate_key().decode(),
        ALLOWED_HOSTS="pos.example.cn",
        TRUSTED_PROXY_COUNT="1",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        BLIND_INDEX_KEYS=Fernet.generate_key().decode(),
        **extra,
    )
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings_and_each_silence_is_argued():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout
    silenced = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(*settings.SILENCED_SYSTEM_CHECKS)",
        env=production_env(),
    ).stdout.split()
    security_doc = (ROOT / "docs" / "security.md").read_text()
    assert silenced and all(check_id in security_doc for check_id in silenced)


def test_check_deploy_warns_when_the_keys_are_not_in_the_environment():
    env = production_env()
    del env["FIELD_ENCRYPTION_KEYS"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "core.W001" in result.stderr + result.stdout


def test_check_deploy_warns_when_several_web_processes_would_count_the_limits_apart():
    env = production_env()
    del env["REDIS_URL"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "core.W003" in result.stderr + result.stdout
    alone = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**env, "WEB_CONCURRENCY": "1"})
    assert alone.returncode == 0, alone.stdout + alone.stderr


def test_production_cookies_are_host_only_and_secure():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE)"
    )
    out = run_manage("shell", "-v", "0", "-c", script, env=production_env()).stdout.split()
    assert out == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", str(12 * 3600)]
