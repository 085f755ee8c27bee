"""Settings: defaults, overrides, refusals, and the production mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from centre.settings import Settings, SettingsError, load_settings
from demo.jpki import TestJpki

GOOD_PEPPER = "x" * 32


def _production(tmp_path: Path, **changes: str) -> dict[str, str]:
    """An environment fit for production; ``changes`` spoil it one variable at a time."""
    env = {
        "KOFU_ENV": "production",
        "KOFU_DATA_DIR": str(tmp_path / "data"),
        "KOFU_DATABASE_URL": "postgresql://kofu@db.example.jp/kofu",
        "KOFU_PKI_DIR": str(tmp_path / "jpki-trust"),
        "KOFU_KIOSK_KEY_PEPPER": GOOD_PEPPER,
        "KOFU_PORTAL_SECRET_KEY": "p" * 32,
        "KOFU_PUBLIC_URL": "https://verify.kofu.example.jp/",
        "KOFU_BILLING_ISSUER_NAME": "コンビニ交付センター",
        "KOFU_BILLING_ISSUER_REGISTRATION_NUMBER": "T1000000000008",
        "KOFU_BILLING_PAYEE_ACCOUNT": "みずほ銀行 本店 普通 1234567",
    }
    return {**env, **changes}


def _problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    return caught.value.problems


def _write_root(directory: Path, organization: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, "root"),
        ]
    )
    now = datetime.now(UTC)
    root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))


def test_defaults_derive_every_path_from_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"KOFU_DATA_DIR": str(tmp_path)})

    assert settings.env == "development"
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'kofu.sqlite3'}"
    assert settings.pki_dir == tmp_path / "jpki"
    assert settings.signing_key_dir == tmp_path / "signing-keys"
    assert settings.municipal_tls_dir == tmp_path / "municipal-tls"
    assert settings.pades_dir == tmp_path / "pades"
    assert settings.redis_url is None and settings.jobs_in_process
    assert settings.kiosk_key_pepper == "kofu-dev-pepper"
    assert settings.render_threads == 2
    assert settings.max_body_bytes == 65536
    assert settings.queue_name == "kofu-render"
    assert settings.public_url == "http://127.0.0.1:8000"


def test_without_a_data_dir_everything_lives_under_var() -> None:
    settings = load_settings({})

    assert settings.data_dir == Path("var")
    assert settings.database_url == "sqlite:///var/kofu.sqlite3"
    assert settings.pki_dir == Path("var/jpki")


def test_an_explicit_env_is_used_instead_of_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KOFU_REDIS_URL", "redis://elsewhere:6379/0")
    monkeypatch.setenv("KOFU_RENDER_THREADS", "9")

    settings = load_settings({"KOFU_DATA_DIR": str(tmp_path)})

    assert settings.redis_url is None
    assert settings.render_threads == 2


def test_without_an_env_the_process_environment_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KOFU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KOFU_RENDER_THREADS", "9")

    settings = load_settings()

    assert settings.data_dir == tmp_path
    assert settings.render_threads == 9


def test_variables_override_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "KOFU_DATA_DIR": str(tmp_path),
            "KOFU_DATABASE_URL": "postgresql://kofu@db/kofu",
            "KOFU_REDIS_URL": "redis://127.0.0.1:6379/0",
            "KOFU_PKI_DIR": str(tmp_path / "trust"),
            "KOFU_RENDER_THREADS": "4",
            "KOFU_QUEUE_NAME": "mine",
            "KOFU_PUBLIC_URL": "https://verify.example.jp//",
        }
    )

    assert settings.database_url == "postgresql://kofu@db/kofu"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert not settings.jobs_in_process
    assert settings.pki_dir == tmp_path / "trust"
    assert settings.render_threads == 4
    assert settings.queue_name == "mine"
    assert settings.public_url == "https://verify.example.jp"


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    settings = load_settings(
        {"KOFU_DATA_DIR": str(tmp_path), "KOFU_REDIS_URL": "", "KOFU_RENDER_THREADS": ""}
    )

    assert settings.redis_url is None
    assert settings.render_threads == 2


def test_a_bad_whole_number_names_its_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"KOFU_RENDER_THREADS": "x"})

    assert str(caught.value) == "KOFU_RENDER_THREADS must be a whole number, got 'x'"
    assert caught.value.code == "SETTINGS_INVALID"
    assert isinstance(caught.value, ValueError)


def test_every_bad_variable_is_named_at_once() -> None:
    problems = _problems({"KOFU_SESSION_TTL_SECONDS": "15m", "KOFU_ENV": "prod"})

    assert problems == [
        "KOFU_ENV must be one of 'development' or 'production', got 'prod'",
        "KOFU_SESSION_TTL_SECONDS must be a whole number, got '15m'",
    ]


def test_settings_are_frozen_and_overrides_make_a_validated_copy(tmp_path: Path) -> None:
    settings = load_settings({"KOFU_DATA_DIR": str(tmp_path)})

    changed = settings.with_overrides(render_threads=7, redis_url="redis://r:6379/0")

    assert (changed.render_threads, changed.redis_url) == (7, "redis://r:6379/0")
    assert settings.render_threads == 2 and settings.redis_url is None
    assert changed.pki_dir == settings.pki_dir
    with pytest.raises(ValidationError):
        settings.render_threads = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.with_overrides(no_such_setting=1)


def test_production_accepts_good_settings(tmp_path: Path) -> None:
    _write_root(tmp_path / "jpki-trust", "J-LIS")

    settings = load_settings(_production(tmp_path))

    assert settings.env == "production"
    assert settings.public_url == "https://verify.kofu.example.jp"


def test_production_refuses_the_development_pepper(tmp_path: Path) -> None:
    problems = _problems(_production(tmp_path, KOFU_KIOSK_KEY_PEPPER="kofu-dev-pepper"))

    assert len(problems) == 1 and problems[0].startswith("KOFU_KIOSK_KEY_PEPPER")


def test_production_refuses_an_unset_pepper(tmp_path: Path) -> None:
    env = _production(tmp_path)
    del env["KOFU_KIOSK_KEY_PEPPER"]

    assert [p.split()[0] for p in _problems(env)] == ["KOFU_KIOSK_KEY_PEPPER"]


def test_production_refuses_a_short_pepper(tmp_path: Path) -> None:
    problems = _problems(_production(tmp_path, KOFU_KIOSK_KEY_PEPPER="x" * 31))

    assert [p.split()[0] for p in problems] == ["KOFU_KIOSK_KEY_PEPPER"]


def test_production_refuses_the_demo_jpki_where_demo_load_writes_it(tmp_path: Path) -> None:
    env = _production(tmp_path, KOFU_PKI_DIR="")  # the default: KOFU_DATA_DIR/jpki

    assert [p.split()[0] for p in _problems(env)] == ["KOFU_PKI_DIR"]


def test_production_refuses_the_demo_jpki_copied_elsewhere(tmp_path: Path) -> None:
    TestJpki.create(tmp_path / "jpki-trust")

    assert [p.split()[0] for p in _problems(_production(tmp_path))] == ["KOFU_PKI_DIR"]


def test_production_refuses_sqlite(tmp_path: Path) -> None:
    env = _production(tmp_path, KOFU_DATABASE_URL=f"sqlite:///{tmp_path / 'kofu.sqlite3'}")

    assert [p.split()[0] for p in _problems(env)] == ["KOFU_DATABASE_URL"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:8000/", "https://127.0.0.2", "http://[::1]"]
)
def test_production_refuses_a_loopback_public_url(tmp_path: Path, url: str) -> None:
    assert [p.split()[0] for p in _problems(_production(tmp_path, KOFU_PUBLIC_URL=url))] == [
        "KOFU_PUBLIC_URL"
    ]


def test_production_lists_every_problem_at_once(tmp_path: Path) -> None:
    problems = _problems({"KOFU_ENV": "production", "KOFU_DATA_DIR": str(tmp_path)})

    assert [p.split()[0] for p in problems] == [
        "KOFU_KIOSK_KEY_PEPPER",
        "KOFU_PORTAL_SECRET_KEY",
        "KOFU_PKI_DIR",
        "KOFU_DATABASE_URL",
        "KOFU_PUBLIC_URL",
        "KOFU_BILLING_ISSUER_NAME,",
    ]


def test_development_accepts_what_production_refuses(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)

    assert settings.kiosk_key_pepper == "kofu-dev-pepper"
    assert settings.database_url.startswith("sqlite")


def test_the_kofu_command_reports_bad_settings_in_one_line() -> None:
    from click.testing import CliRunner

    from cli.main import main

    result = CliRunner().invoke(main, ["check"], env={"KOFU_RENDER_THREADS": "x"})

    assert result.exit_code == 1
    assert result.output == "Error: KOFU_RENDER_THREADS must be a whole number, got 'x'\n"


POSTGRES = "postgresql://kofu@db.example.jp/kofu"


def test_the_development_pepper_goes_with_the_embedded_sqlite_database(tmp_path: Path) -> None:
    from centre.settings import development_pepper_problem

    assert development_pepper_problem(load_settings({"KOFU_DATA_DIR": str(tmp_path)})) is None


def test_the_development_pepper_on_postgresql_is_a_problem_outside_a_demo(tmp_path: Path) -> None:
    from centre.settings import development_pepper_problem

    env = {"KOFU_DATA_DIR": str(tmp_path), "KOFU_DATABASE_URL": POSTGRES}
    problem = development_pepper_problem(load_settings(env))

    assert problem is not None and problem.startswith("KOFU_KIOSK_KEY_PEPPER")
    assert development_pepper_problem(load_settings({**env, "KOFU_DEMO": "1"})) is None
    assert (
        development_pepper_problem(load_settings({**env, "KOFU_KIOSK_KEY_PEPPER": GOOD_PEPPER}))
        is None
    )


def test_kofu_serve_on_postgresql_refuses_the_development_pepper(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.main import main

    env = {"KOFU_DATA_DIR": str(tmp_path), "KOFU_DATABASE_URL": POSTGRES}
    env |= {"KOFU_DEMO": "", "KOFU_ENV": "", "KOFU_KIOSK_KEY_PEPPER": ""}
    result = CliRunner().invoke(main, ["serve"], env=env)

    assert result.exit_code == 1
    assert result.output.startswith("Error: KOFU_KIOSK_KEY_PEPPER is the development default")


def test_trusted_proxies_is_a_count_of_none_or_more() -> None:
    assert load_settings({}).trusted_proxies == 0
    assert load_settings({"KOFU_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    assert [p.split()[0] for p in _problems({"KOFU_TRUSTED_PROXIES": "-1"})] == [
        "KOFU_TRUSTED_PROXIES:"
    ]


def test_production_refuses_the_development_portal_secret(tmp_path: Path) -> None:
    env = _production(tmp_path)
    del env["KOFU_PORTAL_SECRET_KEY"]
    assert [p.split()[0] for p in _problems(env)] == ["KOFU_PORTAL_SECRET_KEY"]


def test_the_portal_secret_default_is_refused_on_postgresql_outside_a_demo() -> None:
    from centre.settings import development_portal_secret_problem

    shared = {"KOFU_DATABASE_URL": "postgresql://kofu@db/kofu"}
    assert development_portal_secret_problem(load_settings(shared)) is not None
    assert development_portal_secret_problem(load_settings({**shared, "KOFU_DEMO": "1"})) is None
    assert development_portal_secret_problem(load_settings({})) is None


def test_portal_cookies_are_secure_unless_a_demo_says_otherwise() -> None:
    assert load_settings({}).portal_cookies_secure
    assert not load_settings({"KOFU_DEMO": "1"}).portal_cookies_secure
    insecure = {"KOFU_PORTAL_SECURE_COOKIES": "0"}
    assert not load_settings(insecure).portal_cookies_secure


def test_production_refuses_the_demo_statement_issuer(tmp_path: Path) -> None:
    problems = _problems(
        _production(tmp_path, KOFU_BILLING_ISSUER_REGISTRATION_NUMBER="T7000012050002")
    )

    assert len(problems) == 1 and "not the demo" in problems[0]


def test_a_registration_number_with_a_wrong_check_digit_is_refused(tmp_path: Path) -> None:
    problems = _problems({"KOFU_BILLING_ISSUER_REGISTRATION_NUMBER": "T7000012050003"})

    assert problems[0].startswith("KOFU_BILLING_ISSUER_REGISTRATION_NUMBER")
