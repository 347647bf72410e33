"""Configuration layers: DEFAULTS -> instance config.py -> DOSSIER_* environment -> overrides."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corpus.limits import MB, IngestLimits
from webapp.config import DEFAULTS, ConfigError, ingest_limits, load_config, record_nltk_data


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder named by DOSSIER_HOME, with no other DOSSIER_* variables set."""
    for name in list(os.environ):
        if name.startswith("DOSSIER_"):
            monkeypatch.delenv(name)
    path = tmp_path / "instance"
    monkeypatch.setenv("DOSSIER_HOME", str(path))
    return path


def test_defaults_put_everything_inside_the_instance_folder(home: Path) -> None:
    config = load_config()
    assert config["HOME"] == str(home)
    assert config["DATABASE_URL"] == f"sqlite:///{home}/dossier.db"
    assert config["INDEX_DIR"] == str(home / "index")
    assert config["MODELS_DIR"] == str(home / "models")
    assert config["HOST"] == "127.0.0.1"
    assert config["PORT"] == 5000
    assert config["DEMO_CORPUS"] is True


def test_every_default_key_is_upper_snake_with_a_comment() -> None:
    source = (Path(__file__).parent.parent / "webapp" / "config.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    for key in DEFAULTS:
        assert key.isupper() and key.replace("_", "").isalnum(), key
        line = next(i for i, text in enumerate(lines) if text.strip().startswith(f'"{key}":'))
        assert lines[line - 1].strip().startswith("# "), f"{key} has no comment above it"


def test_home_defaults_to_instance_in_the_working_directory(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOSSIER_HOME")
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config["HOME"] == str(tmp_path / "instance")
    assert config["INDEX_DIR"] == str(tmp_path / "instance" / "index")


def test_instance_config_file_overrides_defaults(home: Path) -> None:
    home.mkdir()
    (home / "config.py").write_text('PER_PAGE = 50\nINDEX_DIR = "/srv/idx"\nlower = 1\n')
    config = load_config()
    assert config["PER_PAGE"] == 50
    assert config["INDEX_DIR"] == "/srv/idx"
    assert "lower" not in config
    assert config["DATABASE_URL"] == f"sqlite:///{home}/dossier.db"


def test_environment_overrides_config_file_and_values_parse_as_json(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.mkdir()
    (home / "config.py").write_text("PER_PAGE = 50\nPORT = 6000\n")
    monkeypatch.setenv("DOSSIER_PER_PAGE", "7")
    monkeypatch.setenv("DOSSIER_DEMO_CORPUS", "false")
    monkeypatch.setenv("DOSSIER_DATABASE_URL", "postgresql+psycopg://u@localhost/dossier")
    config = load_config()
    assert config["PER_PAGE"] == 7
    assert config["PORT"] == 6000
    assert config["DEMO_CORPUS"] is False
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@localhost/dossier"


def test_overrides_win_over_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_PORT", "6001")
    assert load_config({"PORT": 6002})["PORT"] == 6002


def test_derived_paths_follow_a_home_given_as_override(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    config = load_config({"HOME": other})
    assert config["HOME"] == str(other)
    assert config["DATABASE_URL"] == f"sqlite:///{other}/dossier.db"
    assert config["INDEX_DIR"] == str(other / "index")


def test_two_homes_give_two_separate_instances(home: Path, tmp_path: Path) -> None:
    first = load_config({"HOME": tmp_path / "a"})
    second = load_config({"HOME": tmp_path / "b"})
    assert first["DATABASE_URL"] != second["DATABASE_URL"]
    assert first["INDEX_DIR"] != second["INDEX_DIR"]
    assert first["SECRET_KEY"] != second["SECRET_KEY"]


def test_secret_key_is_generated_once_and_kept_private(home: Path) -> None:
    first = load_config()["SECRET_KEY"]
    second = load_config()["SECRET_KEY"]
    assert first == second
    assert len(first) == 64
    mode = stat.S_IMODE((home / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in home.iterdir()] == ["secret_key"]


def test_configured_secret_key_writes_no_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_SECRET_KEY", "from-the-environment")
    assert load_config()["SECRET_KEY"] == "from-the-environment"
    assert not home.exists()


def test_an_emptied_secret_file_is_refused_with_the_way_out(home: Path) -> None:
    home.mkdir()
    (home / "secret_key").write_text("\n")
    with pytest.raises(ConfigError, match="Delete the file"):
        load_config()


def test_numeric_text_from_the_environment_stays_text(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSSIER_SECRET_KEY", "12345678901234567890")
    assert load_config()["SECRET_KEY"] == "12345678901234567890"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("PORT", "70000", "PORT must be a whole number from 0 to 65535, not 70000."),
        ("PORT", "high", "PORT must be a whole number from 0 to 65535, not 'high'."),
        ("PER_PAGE", "0", "PER_PAGE must be a positive number, not 0."),
        ("DEMO_CORPUS", "yes", "DEMO_CORPUS must be true or false, not 'yes'."),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("HOST", "[1]", "HOST must be text, not [1]."),
    ],
)
def test_bad_values_are_refused_naming_key_and_value(
    home: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"DOSSIER_{key}", value)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(message)


def test_ingest_limits_come_from_the_megabyte_keys(home: Path) -> None:
    limits = ingest_limits(load_config({"INGEST_MAX_DOCUMENT_MB": 0.5, "INGEST_MAX_TOTAL_MB": 3}))
    assert limits == IngestLimits(
        max_document_bytes=512 * 1024,
        max_decompressed_file_bytes=1024 * MB,
        max_decompressed_total_bytes=3 * MB,
    )


def test_default_ingest_limits_are_the_library_defaults(home: Path) -> None:
    assert ingest_limits(load_config()) == IngestLimits()


def test_loading_without_generating_a_secret_writes_nothing(home: Path) -> None:
    assert load_config(generate_secret=False)["SECRET_KEY"] is None
    assert not home.exists()


def test_loading_without_generating_still_reads_the_instance_secret(home: Path) -> None:
    secret = load_config()["SECRET_KEY"]
    assert load_config(generate_secret=False)["SECRET_KEY"] == secret


def test_nltk_data_defaults_to_the_folders_setup_recorded(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_config()["NLTK_DATA"] == []
    record_nltk_data(home, [str(tmp_path / "a"), str(tmp_path / "b")])
    assert load_config()["NLTK_DATA"] == [str(tmp_path / "a"), str(tmp_path / "b")]
    monkeypatch.setenv("DOSSIER_NLTK_DATA", f"{tmp_path / 'c'}{os.pathsep}{tmp_path / 'd'}")
    assert load_config()["NLTK_DATA"] == [str(tmp_path / "c"), str(tmp_path / "d")]
    with pytest.raises(ConfigError, match="NLTK_DATA must be a list of folders, not 3"):
        load_config({"NLTK_DATA": 3})
