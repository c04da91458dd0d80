import shutil

import pytest

from tests.integration.servers import migrate


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """An SQLite database with the service's tables, made once, for servers run in a subprocess."""
    return migrate(tmp_path_factory.mktemp("servers") / "template.sqlite3")


@pytest.fixture
def migrated(tmp_path, migrated_template):
    """A fresh copy of it for one test."""
    database = tmp_path / "server.sqlite3"
    shutil.copyfile(migrated_template, database)
    return database
