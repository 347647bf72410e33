"""Configuration keys, their defaults, and the four layers that set them.

``load_config`` is shared by ``create_app`` and the CLI, so the web app and every ``dossier``
command see the same instance: DEFAULTS -> ``<HOME>/config.py`` -> ``DOSSIER_*`` environment
(values parsed as JSON when they can be, as Flask's ``from_prefixed_env``) -> overrides.
Paths that default to a place inside HOME are filled in after all layers, so setting only
``DOSSIER_HOME`` moves the whole instance.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corpus import IngestLimits

ENV_PREFIX = "DOSSIER"
SECRET_KEY_FILE = "secret_key"
NLTK_DATA_FILE = "nltk_data.txt"  # the NLTK data folders "dossier setup" found, one a line

MB = 1024 * 1024  # the INGEST_MAX_*_MB keys are in MB; IngestLimits counts bytes

DEFAULTS: dict[str, Any] = {
    # Instance folder: database, index, models, optional config.py (env DOSSIER_HOME).
    "HOME": "./instance",
    # SQLAlchemy URL of the store; None means sqlite:///<HOME>/dossier.db.
    "DATABASE_URL": None,
    # Folder of the Whoosh index generations; None means <HOME>/index.
    "INDEX_DIR": None,
    # Folder of trained models (JSON); None means <HOME>/models.
    "MODELS_DIR": None,
    # IOB2 corpus "dossier setup" trains the entity model on when none exists; None: no training.
    "NER_TRAIN_CORPUS": None,
    # Folders of NLTK data (list, or paths joined by ":"); None: those setup recorded in HOME.
    "NLTK_DATA": None,
    # Session signing key; None means one generated once and kept in <HOME>/secret_key (0600).
    "SECRET_KEY": None,
    # Hits per page of search results (web and API).
    "PER_PAGE": 20,
    # Longest part of a document one page (or API answer) shows; longer ones are read in parts.
    "DOCUMENT_PART_CHARS": 250_000,
    # Load the demo collection (NLTK speeches, chat and news) when the store is empty at setup.
    "DEMO_CORPUS": True,
    # Largest source of one document (a .txt/.md/.html file or one JSONL line), in MB.
    "INGEST_MAX_DOCUMENT_MB": IngestLimits.max_document_bytes // MB,
    # Most one compressed file (.jsonl.gz) may decompress to, in MB: guards against gzip bombs.
    "INGEST_MAX_FILE_MB": IngestLimits.max_decompressed_file_bytes // MB,
    # Most all compressed files of one ingest run may decompress to together, in MB.
    "INGEST_MAX_TOTAL_MB": IngestLimits.max_decompressed_total_bytes // MB,
    # Log level of Dossier's own loggers: DEBUG, INFO, WARNING or ERROR.
    "LOG_LEVEL": "INFO",
    # Seconds a command waits for another process's index build or update before giving up.
    "INDEX_WAIT_SECONDS": 600,
    # Address "dossier serve" listens on; keep 127.0.0.1 unless a proxy sits in front.
    "HOST": "127.0.0.1",
    # Port "dossier serve" listens on.
    "PORT": 5000,
    # Host names the web app answers to (list, or comma-separated); None: localhost and HOST.
    "ALLOWED_HOSTS": None,
    # Load the search index's columns when a worker starts, before it takes requests (about
    # 2 s at 60,000 documents, else paid by the first search); None: on unless TESTING.
    "WARM_UP": None,
    # Who re-analyses after corrections: background, inline, queue; None: inline if TESTING.
    "REANALYSIS": None,
    # Seconds a re-analysis worker's claim on its documents lasts unless it renews it.
    "REANALYSIS_LEASE_SECONDS": 60,
    # Attempts at re-analysing a document before it is left as failed.
    "REANALYSIS_MAX_ATTEMPTS": 3,
    # Seconds before a failed document is tried again; doubles with each failure.
    "REANALYSIS_RETRY_SECONDS": 30,
    # A correction that re-analyses more documents than this says how many and asks first.
    "CONFIRM_DOCUMENTS": 300,
}

_TEXT_KEYS = (
    "HOME",
    "DATABASE_URL",
    "INDEX_DIR",
    "MODELS_DIR",
    "NER_TRAIN_CORPUS",
    "SECRET_KEY",
    "LOG_LEVEL",
    "HOST",
)
_PATH_KEYS = ("HOME", "INDEX_DIR", "MODELS_DIR")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_NON_NEGATIVE_NUMBERS = ("INDEX_WAIT_SECONDS",)
_POSITIVE_NUMBERS = (
    "PER_PAGE",
    "DOCUMENT_PART_CHARS",
    "INGEST_MAX_DOCUMENT_MB",
    "INGEST_MAX_FILE_MB",
    "INGEST_MAX_TOTAL_MB",
    "CONFIRM_DOCUMENTS",
)


class ConfigError(ValueError):
    """A configuration value has the wrong type or range; the message names key and value."""


def load_config(
    overrides: Mapping[str, Any] | None = None, *, generate_secret: bool = True
) -> dict[str, Any]:
    """The configuration of the instance that ``DOSSIER_HOME`` (or ``overrides["HOME"]``) names.

    With ``generate_secret=False`` (CLI commands that serve nothing) a missing secret key stays
    None instead of being created, so reading an instance never writes to it.
    Raises ``ConfigError`` for a value of the wrong type or range, naming the key.
    """
    overrides = dict(overrides or {})
    home = overrides.get("HOME") or os.environ.get(f"{ENV_PREFIX}_HOME") or DEFAULTS["HOME"]
    home_dir = Path(os.path.abspath(os.fspath(home)))

    layers = dict(DEFAULTS)
    layers.update(_from_pyfile(home_dir / "config.py"))
    layers.update(_from_env(ENV_PREFIX))
    layers.update(overrides)
    layers["HOME"] = str(home_dir)
    config = _resolve(layers)
    _use_data_folders(config["NLTK_DATA"])  # every command and the app read the same data
    if not config["SECRET_KEY"] and (generate_secret or (home_dir / SECRET_KEY_FILE).exists()):
        config["SECRET_KEY"] = instance_secret(home_dir)
    return config


def _from_pyfile(path: Path) -> dict[str, Any]:
    """The UPPER_CASE names an instance's ``config.py`` sets (none when there is no such file),
    read as Flask's ``Config.from_pyfile`` reads them, without loading Flask for the CLI."""
    try:
        source = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return {}
    except OSError as exc:
        raise ConfigError(f"Cannot read the configuration file {path}: {exc.strerror}.") from exc
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(
        compile(source, str(path), "exec"), namespace
    )  # the instance's own config, as Flask runs it
    return {key: value for key, value in namespace.items() if key.isupper()}


def _from_env(prefix: str) -> dict[str, Any]:
    """``<PREFIX>_KEY`` environment variables as keys, values read as JSON when they parse (as
    Flask's ``Config.from_prefixed_env``; ``A__B`` sets key ``B`` of dict ``A``)."""
    found: dict[str, Any] = {}
    for name in sorted(os.environ):
        if not name.startswith(f"{prefix}_"):
            continue
        raw = os.environ[name]
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        *parents, key = name.removeprefix(f"{prefix}_").split("__")
        current = found
        for parent in parents:
            current = current.setdefault(parent, {})
        current[key] = value
    return found


def _resolve(config: dict[str, Any]) -> dict[str, Any]:
    """Check types, make paths absolute, and fill the defaults derived from HOME."""
    for key in _TEXT_KEYS:
        value = config.get(key)
        if isinstance(value, os.PathLike | int | float) and not isinstance(value, bool):
            config[key] = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
        elif value is not None and not isinstance(value, str):
            raise ConfigError(f"{key} must be text, not {value!r}.")
    for key in _POSITIVE_NUMBERS:
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{key} must be a positive number, not {value!r}.")
    for key in _NON_NEGATIVE_NUMBERS:
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{key} must be a number of seconds (0 or more), not {value!r}.")
    hosts = config["ALLOWED_HOSTS"]
    if hosts is not None and not (
        isinstance(hosts, str)
        or (isinstance(hosts, list | tuple) and all(isinstance(h, str) for h in hosts))
    ):
        raise ConfigError(
            f'ALLOWED_HOSTS must be a list of host names such as ["dossier.example.org"], '
            f"not {hosts!r}."
        )
    port = config["PORT"]
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be a whole number from 0 to 65535, not {port!r}.")
    if not isinstance(config["DEMO_CORPUS"], bool):
        raise ConfigError(f"DEMO_CORPUS must be true or false, not {config['DEMO_CORPUS']!r}.")
    if config["WARM_UP"] is not None and not isinstance(config["WARM_UP"], bool):
        raise ConfigError(f"WARM_UP must be true or false, not {config['WARM_UP']!r}.")
    if str(config["LOG_LEVEL"]).upper() not in _LOG_LEVELS:
        raise ConfigError(
            f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {config['LOG_LEVEL']!r}."
        )

    home = Path(config["HOME"])
    config["INDEX_DIR"] = config["INDEX_DIR"] or str(home / "index")
    config["MODELS_DIR"] = config["MODELS_DIR"] or str(home / "models")
    for key in _PATH_KEYS:
        config[key] = os.path.abspath(config[key])
    if config["NER_TRAIN_CORPUS"]:
        config["NER_TRAIN_CORPUS"] = os.path.abspath(config["NER_TRAIN_CORPUS"])
    config["NLTK_DATA"] = _nltk_folders(config["NLTK_DATA"], home)
    config["DATABASE_URL"] = config["DATABASE_URL"] or f"sqlite:///{home / 'dossier.db'}"
    return config


def _nltk_folders(value: Any, home: Path) -> list[str]:
    """NLTK_DATA as a list of absolute folders; unset: the folders recorded at setup."""
    if value is None:
        recorded = home / NLTK_DATA_FILE
        if not recorded.is_file():
            return []
        value = recorded.read_text(encoding="utf-8").splitlines()
    if isinstance(value, str):
        value = value.split(os.pathsep)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"NLTK_DATA must be a list of folders, not {value!r}.")
    return [os.path.abspath(v.strip()) for v in value if v.strip()]


def _use_data_folders(folders: list[str]) -> None:
    """Loaded here, not at the top: a search reads the config but never loads NLTK."""
    from indexer import use_data_folders

    use_data_folders(folders)


def record_nltk_data(home: str | Path, folders: list[str]) -> None:
    """Remember where this instance's NLTK data is, so later commands find it on their own."""
    path = Path(home) / NLTK_DATA_FILE
    text = "".join(f"{folder}\n" for folder in folders)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ingest_limits(config: Mapping[str, Any]) -> IngestLimits:
    """The byte limits for ``ingest`` from the INGEST_MAX_*_MB keys."""
    return IngestLimits(
        max_document_bytes=int(config["INGEST_MAX_DOCUMENT_MB"] * MB),
        max_decompressed_file_bytes=int(config["INGEST_MAX_FILE_MB"] * MB),
        max_decompressed_total_bytes=int(config["INGEST_MAX_TOTAL_MB"] * MB),
    )


def instance_secret(home: Path) -> str:
    """This instance's secret key: read from ``<home>/secret_key``, created once (mode 0600).

    Creating it is atomic, so workers starting together agree on one key.
    """
    import secrets  # here: only a first start makes a key, and hmac costs every command

    path = home / SECRET_KEY_FILE
    if path.exists():
        return _read_secret(path)
    home.mkdir(parents=True, exist_ok=True)
    draft = home / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)  # fails if another process got there first; then use theirs
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ConfigError(
            f"The secret key in {path} is empty or too short. Delete the file to have a new one "
            "generated, or set DOSSIER_SECRET_KEY."
        )
    return secret
