"""A throwaway WordPress for tests: Debian's own ``wordpress`` package on a MariaDB of its
own, served by PHP's built-in server on loopback, gone when the test ends.

The fake (``tests/fakes/wordpress.py``) answers as we believe WordPress answers; this one is
WordPress, so that a difference between the two shows up as a failing test rather than as
a surprise on a reader's site. Nothing outside one temporary folder is touched:

- ``db/``: a MariaDB data directory made by ``mariadb-install-db``; the server listens on a
  unix socket in the folder and on no TCP port, so parallel test workers never meet.
- ``site/``: a copy of ``/usr/share/wordpress`` (Debian's ``wp-config.php`` reads
  ``/etc/wordpress``, so the copy gets one of its own) served by ``php -S``. A copy because
  PHP resolves symlinks in ``__DIR__``: a linked ``wp-load.php``, or ``wp-admin/*.php``
  finding it by ``dirname(__DIR__)``, would load Debian's configuration, not ours. Only
  ``wp-includes`` (four fifths of the files, and what made the copy take seconds) is a
  symlink: nothing in it looks for ``wp-load.php`` but the multisite-only ``ms-files.php``.
- logs: ``mariadb.log``, ``php-server.log`` (one line per request) and ``php-errors.log``.

The site runs as a production one would, except where a test needs otherwise: errors are
logged, not displayed (a warning must not corrupt a JSON answer, and a fatal error gives
WordPress's own HTML 500 page); ``WP_ENVIRONMENT_TYPE`` is ``local``, the one setting under
which WordPress accepts application passwords over plain http; cron, mail and outgoing
requests are off, so that nothing happens between two requests of a test and nothing
leaves the machine. Pretty permalinks are on, so ``/wp-json`` is the REST root, as on
most sites. ``/index.php/wp-json`` works as well; ``/?rest_route=`` answers too, but cannot
be an ``api_url``: httpx replaces a URL's query with a request's ``params``, so the route
is lost on every search.

Everything runs as the current user; as root MariaDB needs ``--user=root`` to agree.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

WORDPRESS = Path("/usr/share/wordpress")
#: Generous: only an upper bound, and a loaded CI runner (or a compile beside it) can take
#: tens of seconds to start MariaDB; a healthy start takes two or three.
_START_TIMEOUT = 120.0
_ATTEMPTS = 3
_DATABASE = "wordpress"
_DATABASE_USER = "wordpress"
_USER = "editor"  # the fake's user name, so that a test can run against either
_MARKER = "foreigndesk-fixture.txt"
_FIXTURE_PLUGIN = "foreigndesk-fixture.php"

# MariaDB sized for a test: a small buffer pool and redo log (the datadir is 22 MB, not
# 110), and commits written to the OS at once but flushed to disk once a second — a killed
# server (stop_database) loses nothing, only a crashed machine would.
_MARIADB_OPTIONS = (
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=8M",
    "--innodb-flush-log-at-trx-commit=2",
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
)

_MU_PLUGIN = """<?php
// Written by tests/wordpress_server.py. No mail leaves a test site: WordPress mails the
// administrator on install and after a fatal error, and there is no sendmail to mail with.
add_filter('pre_wp_mail', '__return_true');
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _program(name: str) -> str | None:
    """Where ``name`` is installed; ``/usr/sbin`` is searched even when it is not on PATH,
    as it is not for most users, because that is where Debian puts ``mariadbd``."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


@dataclass(frozen=True)
class _Programs:
    php: str
    mariadbd: str
    install_db: str
    client: str


def _programs() -> _Programs:
    """The programs the fixture runs; the test is skipped, naming what to install, when one
    is missing — not failed, since a machine without them says nothing about the desk."""
    found = {
        "php (php-cli)": _program("php"),
        "mariadbd (mariadb-server)": _program("mariadbd"),
        "mariadb-install-db (mariadb-server)": _program("mariadb-install-db"),
        "mariadb (mariadb-client)": _program("mariadb"),
    }
    missing = [name for name, path in found.items() if path is None]
    if not (WORDPRESS / "wp-settings.php").is_file():
        missing.append(f"{WORDPRESS} (wordpress)")
    php = found["php (php-cli)"]
    if php is not None:
        probe = subprocess.run(
            [php, "-r", "exit(extension_loaded('mysqli') ? 0 : 1);"],
            capture_output=True,
            timeout=30,
            check=False,
        )
        if probe.returncode != 0:
            missing.append("PHP's mysqli extension (php-mysql)")
    if missing:
        pytest.skip(
            "a real WordPress needs Debian's packages wordpress, mariadb-server, php-cli and"
            f" php-mysql; missing: {', '.join(missing)} — run scripts/system-packages"
        )
    return _Programs(
        php=str(php),
        mariadbd=str(found["mariadbd (mariadb-server)"]),
        install_db=str(found["mariadb-install-db (mariadb-server)"]),
        client=str(found["mariadb (mariadb-client)"]),
    )


def _tail(path: Path, size: int = 2000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def _stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM) -> None:
    """Stop a process started in a session of its own, with everything it forked: PHP's
    server may fork workers, and ``mariadb-install-db`` is a shell script running
    ``mariadbd``."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class _Processes:
    """The two servers of one site, which tests stop and start again."""

    def __init__(self, programs: _Programs, folder: Path) -> None:
        self.programs = programs
        self.folder = folder
        self.docroot = folder / "site"
        self.socket = folder / "mysql.sock"
        self.port = 0
        self.token = secrets.token_hex(16)
        self.mariadb: subprocess.Popen[bytes] | None = None
        self.php_server: subprocess.Popen[bytes] | None = None

    # MariaDB

    def install_database(self) -> subprocess.Popen[bytes]:
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        log = (self.folder / "mariadb-install.log").open("wb")
        with log:
            return subprocess.Popen(
                [
                    self.programs.install_db,
                    "--no-defaults",
                    f"--datadir={self.folder / 'db'}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *as_root,
                    *_MARIADB_OPTIONS,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_database(self) -> None:
        if self.mariadb is not None and self.mariadb.poll() is None:
            return
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        self.mariadb = subprocess.Popen(
            [
                self.programs.mariadbd,
                "--no-defaults",
                f"--datadir={self.folder / 'db'}",
                f"--socket={self.socket}",
                f"--pid-file={self.folder / 'mariadb.pid'}",
                f"--log-error={self.folder / 'mariadb.log'}",
                f"--tmpdir={self.folder}",
                "--skip-networking",
                *as_root,
                *_MARIADB_OPTIONS,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _database_answers(self) -> bool:
        """Whether MariaDB sends its greeting (protocol version 10) on the socket; read on a
        raw socket, as a client process per probe would cost more than the wait."""
        try:
            with socket.socket(socket.AF_UNIX) as connection:
                connection.settimeout(0.5)
                connection.connect(str(self.socket))
                greeting = connection.recv(5)
        except OSError:
            return False
        return len(greeting) == 5 and greeting[4] == 10

    def wait_for_database(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._database_answers():
                return
            if self.mariadb is None or self.mariadb.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"MariaDB did not start:\n{_tail(self.folder / 'mariadb.log')}")

    def stop_database(self) -> None:
        if self.mariadb is not None:
            _stop(self.mariadb, signal.SIGKILL)
            self.mariadb = None
        self.socket.unlink(missing_ok=True)

    def sql(self, statement: str, database: str = _DATABASE) -> str:
        result = subprocess.run(
            [
                self.programs.client,
                "--no-defaults",
                f"--socket={self.socket}",
                "--user=root",
                "--batch",
                "--skip-column-names",
                f"--execute={statement}",
                database,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"SQL failed: {statement}\n{result.stderr}")
        return result.stdout

    # PHP

    def start_php(self) -> bool:
        """Start the built-in server on ``self.port``; False when it exits at once, as it
        does when another process has taken the port."""
        if self.php_server is not None and self.php_server.poll() is None:
            return True
        log = (self.folder / "php-server.log").open("ab")
        with log:
            self.php_server = subprocess.Popen(
                [
                    self.programs.php,
                    "-d",
                    "display_errors=0",
                    "-d",
                    "log_errors=1",
                    "-d",
                    f"error_log={self.folder / 'php-errors.log'}",
                    "-S",
                    f"127.0.0.1:{self.port}",
                    "-t",
                    str(self.docroot),
                ],
                cwd=self.docroot,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._php_answers():
                return True
            if self.php_server.poll() is not None:
                self.php_server = None
                return False
            time.sleep(0.02)
        self.stop_php()
        raise RuntimeError(
            f"php -S did not answer within {_START_TIMEOUT} s:\n"
            f"{_tail(self.folder / 'php-server.log')}"
        )

    def _php_answers(self) -> bool:
        """Whether our server answers: a marker file holding a token of this site's alone,
        since another server may have taken the port between the probe and the bind."""
        try:
            reply = httpx.get(f"http://127.0.0.1:{self.port}/{_MARKER}", timeout=1.0)
        except httpx.HTTPError:
            return False
        return reply.status_code == 200 and reply.text == self.token

    def stop_php(self) -> None:
        if self.php_server is not None:
            _stop(self.php_server)
            self.php_server = None

    def php(self, code: str, *, installing: bool = False) -> str:
        """Run ``code`` (PHP statements, no ``<?php``) in WordPress, as a CLI script that
        loads ``wp-load.php``; its output is returned, and errors raise with its stderr."""
        host = f"127.0.0.1:{self.port}"
        prelude = (
            f"$_SERVER['HTTP_HOST'] = '{host}'; $_SERVER['SERVER_NAME'] = '127.0.0.1';"
            f" $_SERVER['SERVER_PORT'] = '{self.port}'; $_SERVER['REQUEST_URI'] = '/';"
            " $_SERVER['REQUEST_METHOD'] = 'GET';"
        )
        if installing:
            prelude += " define('WP_INSTALLING', true);"
        script = f"{prelude} require {_php_string(self.docroot / 'wp-load.php')};\n{code}"
        result = subprocess.run(
            [self.programs.php, "-d", "display_errors=stderr", "-r", script],
            cwd=self.docroot,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"PHP in WordPress failed ({result.returncode}):\n{code}\n{result.stderr}"
                f"{result.stdout[-2000:]}"
            )
        return result.stdout

    def close(self) -> None:
        self.stop_php()
        self.stop_database()


@dataclass(frozen=True)
class WordPress:
    """A running site: what the desk's settings need, and the means to disturb it."""

    url: str  #: the site's root, e.g. http://127.0.0.1:PORT/
    api_url: str  #: the REST root, publish.wordpress.api_url: …/wp-json
    user: str  #: an administrator
    application_password: str  #: the user's application password, named "foreigndesk"
    user_id: int
    folder: Path  #: the temporary folder: datadir, docroot and logs
    _processes: _Processes = field(repr=False, compare=False)

    @property
    def username(self) -> str:
        """The fake's name for ``user``, so that one test helper serves both."""
        return self.user

    @property
    def app_password(self) -> str:
        """The fake's name for ``application_password``."""
        return self.application_password

    @property
    def docroot(self) -> Path:
        return self._processes.docroot

    def stop(self) -> None:
        """Stop the web server, as a site that is down: connections are refused."""
        self._processes.stop_php()

    def start(self) -> None:
        """Start the web server again, on the same port, after ``stop``."""
        if not self._processes.start_php():
            raise RuntimeError(f"port {self._processes.port} was taken while the site was down")

    def stop_database(self) -> None:
        """Kill MariaDB, as a crash would: WordPress answers 500 with an HTML page."""
        self._processes.stop_database()

    def start_database(self) -> None:
        """Start MariaDB again after ``stop_database``; InnoDB recovers what was committed."""
        self._processes.start_database()
        self._processes.wait_for_database()

    def php(self, code: str) -> str:
        """Run PHP statements inside WordPress (``wp-load.php`` loaded, no user logged in)
        and return what they print, e.g. ``echo get_post_status(12);``."""
        return self._processes.php(code)

    def sql(self, statement: str) -> str:
        """Run SQL on the site's database as MariaDB's root; rows come back tab-separated,
        one a line, without column names."""
        return self._processes.sql(statement)

    def trash(self, post_id: int) -> None:
        """Move a post to the trash, as an editor would in wp-admin."""
        self.php(f"if (!wp_trash_post({int(post_id)})) {{ exit(1); }}")

    def delete(self, post_id: int) -> None:
        """Delete a post for good, skipping the trash."""
        self.php(f"if (!wp_delete_post({int(post_id)}, true)) {{ exit(1); }}")

    def post_status(self, post_id: int) -> str | None:
        """The post's status (publish, draft, trash, …), None when there is no such post."""
        status = self.php(f"echo (string) get_post_status({int(post_id)});")
        return status or None

    def set_environment_type(self, kind: str) -> None:
        """Change ``WP_ENVIRONMENT_TYPE`` for the requests that follow. Any type but
        ``local`` makes WordPress ignore application passwords over http: every request is
        anonymous, whatever the password."""
        if kind not in {"local", "development", "staging", "production"}:
            raise ValueError(f"not a WordPress environment type: {kind}")
        (self.folder / "environment-type").write_text(kind)

    def restore(self) -> None:
        """Undo what a test may have done to the site, though not to its posts: both servers
        running, the environment type ``local``, the must-use plugins of tests removed. For
        a fixture to call after each test when the site is shared by a module."""
        self.start_database()
        self.start()
        self.set_environment_type("local")
        for plugin in (self.docroot / "wp-content" / "mu-plugins").glob("*.php"):
            if plugin.name != _FIXTURE_PLUGIN:
                plugin.unlink()

    def mu_plugin(self, name: str, source: str) -> Path:
        """Install a must-use plugin (PHP source, starting ``<?php``), loaded by every request
        from the next on, e.g. to make WordPress fail on purpose; unlink the path to remove
        it."""
        path = self.docroot / "wp-content" / "mu-plugins" / f"{name}.php"
        if path.name == _FIXTURE_PLUGIN:
            raise ValueError(f"{name} is the fixture's own plugin")
        path.write_text(source)
        return path


def _php_string(value: str | Path) -> str:
    """A PHP single-quoted literal."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _write_config(processes: _Processes, database_password: str) -> None:
    site = f"http://127.0.0.1:{processes.port}"
    keys = "\n".join(
        f"define('{name}', '{secrets.token_hex(32)}');"
        for name in (
            "AUTH_KEY",
            "SECURE_AUTH_KEY",
            "LOGGED_IN_KEY",
            "NONCE_KEY",
            "AUTH_SALT",
            "SECURE_AUTH_SALT",
            "LOGGED_IN_SALT",
            "NONCE_SALT",
        )
    )
    environment = processes.folder / "environment-type"
    environment.write_text("local")
    config = f"""<?php
// Written by tests/wordpress_server.py for a throwaway test site.
define('DB_NAME', '{_DATABASE}');
define('DB_USER', '{_DATABASE_USER}');
define('DB_PASSWORD', '{database_password}');
define('DB_HOST', {_php_string(f"localhost:{processes.socket}")});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
{keys}
define('WP_HOME', '{site}');
define('WP_SITEURL', '{site}');
// Read on every request, so that a test can change it (WordPress.set_environment_type).
define('WP_ENVIRONMENT_TYPE', trim((string) @file_get_contents({_php_string(environment)})));
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_DEBUG', false);
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""
    (processes.docroot / "wp-config.php").write_text(config)


def _install(processes: _Processes, user_password: str) -> tuple[int, str]:
    """Install WordPress as ``wp-admin/install.php`` would, switch on pretty permalinks,
    delete the sample content (a test counts only its own posts) and give the user an
    application password. Returns the user's id and that password."""
    code = f"""
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('foreigndesk test site', '{_USER}', '{_USER}@example.test', false, '',
    wp_slash('{user_password}'));
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
flush_rewrite_rules(false);
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $p) {{
    wp_delete_post($p->ID, true);
}}
$created = WP_Application_Passwords::create_new_application_password(
    $installed['user_id'], ['name' => 'foreigndesk']);
if (is_wp_error($created)) {{
    fwrite(STDERR, $created->get_error_message());
    exit(1);
}}
echo json_encode(['user_id' => $installed['user_id'], 'password' => $created[0]]);
"""
    answer = json.loads(processes.php(code, installing=True))
    return int(answer["user_id"]), str(answer["password"])


def _prepare_docroot(processes: _Processes) -> None:
    shutil.copytree(
        WORDPRESS,
        processes.docroot,
        symlinks=True,
        ignore=lambda folder, _: (
            ["wp-includes", "wp-config.php"] if folder == str(WORDPRESS) else []
        ),
    )
    (processes.docroot / "wp-includes").symlink_to(WORDPRESS / "wp-includes")
    content = processes.docroot / "wp-content"
    (content / "mu-plugins").mkdir()
    (content / "uploads").mkdir()
    (content / "mu-plugins" / _FIXTURE_PLUGIN).write_text(_MU_PLUGIN)
    (processes.docroot / _MARKER).write_text(processes.token)


def _start_php_on_a_free_port(processes: _Processes) -> None:
    for _ in range(_ATTEMPTS):
        processes.port = _free_port()
        if processes.start_php():
            return
    raise RuntimeError(
        f"php -S failed to start {_ATTEMPTS} times:\n{_tail(processes.folder / 'php-server.log')}"
    )


@contextmanager
def temporary_wordpress() -> Iterator[WordPress]:
    """Install and start a site and yield it; skipped when the Debian packages are missing.

    The steps overlap where they can: the docroot is copied while ``mariadb-install-db``
    runs, and the web server starts while MariaDB does.
    """
    programs = _programs()
    folder = Path(tempfile.mkdtemp(prefix="foreigndesk-wp-"))
    processes = _Processes(programs, folder)
    try:
        installing = processes.install_database()
        try:
            _prepare_docroot(processes)
            if installing.wait(timeout=120) != 0:
                raise RuntimeError(
                    f"mariadb-install-db failed:\n{_tail(folder / 'mariadb-install.log')}"
                )
        finally:
            _stop(installing, signal.SIGKILL)
        processes.start_database()
        _start_php_on_a_free_port(processes)
        processes.wait_for_database()
        database_password = secrets.token_hex(12)
        processes.sql(
            f"CREATE DATABASE {_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f" CREATE USER '{_DATABASE_USER}'@'localhost'"
            f" IDENTIFIED BY '{database_password}';"
            f" GRANT ALL ON {_DATABASE}.* TO '{_DATABASE_USER}'@'localhost';",
            database="mysql",
        )
        _write_config(processes, database_password)
        user_id, application_password = _install(processes, secrets.token_urlsafe(16))
        url = f"http://127.0.0.1:{processes.port}/"
        yield WordPress(
            url=url,
            api_url=f"{url}wp-json",
            user=_USER,
            application_password=application_password,
            user_id=user_id,
            folder=folder,
            _processes=processes,
        )
    finally:
        processes.close()
        shutil.rmtree(folder, ignore_errors=True)
