"""The production gunicorn configuration loads, and gunicorn uses its C request parser with it."""

import importlib

from gunicorn.config import Config
from gunicorn.http import message


def _config(monkeypatch, **environ) -> Config:
    for name in ("GUNICORN_HTTP_PARSER", "GUNICORN_WORKERS", "GUNICORN_ACCESS_LOG", "GUNICORN_WORKER_TMP_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    import together.gunicorn_conf as module

    module = importlib.reload(module)
    config = Config()
    for name, value in vars(module).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_production_settings_parse_requests_in_c(monkeypatch):
    config = _config(monkeypatch)
    assert config.worker_class_str == "together.gunicorn_worker.KeepAliveWorker"
    assert config.threads == 1  # answers on the main thread: two cost more CPU (bench/README.md)
    assert config.accesslog is None  # no request lines with client addresses
    assert config.http_parser == "fast"
    assert message._check_fast_parser(config) is True
    assert config.worker_tmp_dir in ("/dev/shm", None)  # noqa: S108


def test_the_parser_and_workers_can_be_changed_from_the_environment(monkeypatch, tmp_path):
    config = _config(
        monkeypatch, GUNICORN_HTTP_PARSER="python", GUNICORN_WORKERS="3", GUNICORN_WORKER_TMP_DIR=str(tmp_path)
    )
    assert config.workers == 3
    assert config.worker_tmp_dir == str(tmp_path)
    assert message._check_fast_parser(config) is False
