"""A lesson in JupyterLab, driven through a real browser (headless Chromium + Playwright).

JupyterLab runs on loopback with a token; the browser opens a copy of lesson 01, edits an
exercise through the editor, runs the cells from the Run menu and reads the results off the
page. Nothing leaves the machine: requests to any other host are refused.

Needs Debian's `chromium` (`apt-get install chromium`) and `pip install playwright`; no browser
is downloaded (`playwright install` is not used). These tests fail, rather than skip, when either
is missing. Environment variables:

- `BACKPROP_LAB_CHROMIUM`: the browser binary (default `/usr/bin/chromium`).
- `BACKPROP_LAB_E2E_ARTIFACTS`: a folder to copy the screenshots to (they are always saved
  under the test's `tmp_path`), e.g. for CI to upload.
- `BACKPROP_LAB_SCREENSHOTS=1`: also refresh `assets/screenshots/lesson.png`, the screenshot the
  README shows.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from conftest import ROOT

from backprop_lab.course.synthetic import build_submission

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the `browser_installed` fixture as a failure, not a skip
    expect = sync_playwright = None

pytestmark = pytest.mark.slow

LESSON = "01_manual_backprop"
CHROMIUM = os.environ.get("BACKPROP_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed when running as root (CI containers)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_S = 180  # JupyterLab with its server extensions, on a busy machine
PAGE_LOAD_MS = 180_000
# Kernel start plus the TensorFlow import alone can take 30 s on a loaded machine; the solved lesson
# trains a network too.
RUN_ALL_MS = 900_000
UI_MS = 60_000

DENSE_FORWARD = "def dense_forward(x, W, b):\n    return tf.matmul(x, W) + b"

# Settings for the throwaway user settings folder: no news pop-up over the screenshots, and every
# cell kept in the DOM (no windowing) so the page can be read top to bottom.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": (
        '{"fetchNews": "false", "checkForUpdates": false}'
    ),
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
}

# JupyterLab renders an error output like a stderr stream (data-mime-type
# "application/vnd.jupyter.stderr"), so errors are told apart from warnings by their text: an
# IPython traceback, or a line that starts with the exception's name (SyntaxError has no
# "Traceback" line).
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception|Interrupt)\b", re.MULTILINE)

# Cell states read from the page in one go: index, type, prompt, and each output's mime type and text.
READ_CELLS_JS = """
() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')).map(
    (cell, index) => ({
        index,
        code: cell.classList.contains('jp-CodeCell'),
        prompt: (cell.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim(),
        outputs: Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(output => ({
            mime: output.getAttribute('data-mime-type'),
            text: output.textContent,
            images: output.querySelectorAll('img').length,
        })),
    }))
"""

# The status bar reads "Python 3 (ipykernel) | Idle" once the kernel has started and is idle.
KERNEL_IDLE_JS = """
() => {
    const bar = document.querySelector('#jp-main-statusbar');
    return !!bar && /\\(ipykernel\\) \\| Idle/.test(bar.textContent);
}
"""

# Run All has finished: the kernel is idle, no cell is queued or running ("[*]:"), and the cells named
# by index have an execution count.
RUN_FINISHED_JS = """
(mustHaveRun) => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return false;
    const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    if (!indicator || indicator.getAttribute('data-status') !== 'idle') return false;
    const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
    const prompt = cell => (cell.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent;
    if (cells.some(cell => prompt(cell).includes('*'))) return false;
    return mustHaveRun.every(index => cells[index] && /\\[\\d+\\]/.test(prompt(cells[index])));
}
"""


@pytest.fixture(scope="module", autouse=True)
def browser_installed():
    """CI installs both, so a missing one is a failure, not a skip."""
    if sync_playwright is None:
        pytest.fail("the JupyterLab browser test needs Playwright: pip install playwright (no `playwright install`)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"the JupyterLab browser test needs Chromium at {CHROMIUM}: apt-get install -y chromium")


@dataclass
class Lab:
    """A running JupyterLab: its address, token and the folder it serves."""

    url: str
    token: str
    root: Path
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.is_file() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving a throwaway folder, with throwaway settings; stopped afterwards."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root, settings = base / "root", base / "settings"
    root.mkdir()
    for name, text in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    port, token = free_port(), secrets.token_hex(24)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
    }
    log = base / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
    ]  # fmt: skip
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, log=log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with status {process.returncode}:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.url}/api/status?token={token}", timeout=10) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{server.log_tail()}")
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()  # JupyterLab shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session started above: the server and its kernels
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian Chromium with a fresh profile, driven by Playwright."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(lab, browser):  # the browser goes first at teardown, then the server
    """A new tab that may only talk to the JupyterLab server."""
    page = browser.new_page()
    page.set_default_timeout(UI_MS)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def only_loopback(route):
        if urlsplit(route.request.url).netloc == urlsplit(lab.url).netloc:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_loopback)
    yield page
    page.close()


class Screenshots:
    """Numbered full-page screenshots in tmp_path/screenshots, copied to `$BACKPROP_LAB_E2E_ARTIFACTS` if set."""

    def __init__(self, page, folder: Path, prefix: str):
        self.page, self.prefix, self.count = page, prefix, 0
        self.folders = [folder]
        if os.environ.get("BACKPROP_LAB_E2E_ARTIFACTS"):
            self.folders.append(Path(os.environ["BACKPROP_LAB_E2E_ARTIFACTS"]))
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)

    def take(self, name: str) -> Path:
        self.count += 1
        paths = [folder / f"{self.prefix}-{self.count:02d}-{name}.png" for folder in self.folders]
        self.page.screenshot(path=paths[0], full_page=True)
        for path in paths[1:]:
            shutil.copy(paths[0], path)
        return paths[0]

    def with_height(self, name: str, height: int) -> Path:
        """A screenshot with the window made `height` pixels tall (at most 16,000)."""
        self.page.set_viewport_size({"width": VIEWPORT["width"], "height": min(16_000, height)})
        try:
            return self.take(name)
        finally:
            self.page.set_viewport_size(VIEWPORT)

    def whole_notebook(self, name: str) -> Path:
        """The notebook from top to bottom in one image."""
        scroller = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")
        return self.with_height(name, VIEWPORT["height"] + scroller.evaluate("element => element.scrollHeight"))


@pytest.fixture
def shots(page, lab, tmp_path, request):
    """Screenshots of the test's stages; the page's last state is kept too, which helps when a test fails."""
    screenshots = Screenshots(page, tmp_path / "screenshots", request.node.name.split("_")[1])
    yield screenshots
    screenshots.take("final-state")
    for folder in screenshots.folders[1:]:
        shutil.copy(lab.log, folder / "jupyterlab.log")


def open_notebook(page, lab: Lab, path: str, workspace: str, cell_count: int):
    """Opens a notebook in its own workspace and waits until all its cells are shown and its kernel is idle."""
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}", timeout=PAGE_LOAD_MS)
    expect(cells(page)).to_have_count(cell_count, timeout=PAGE_LOAD_MS)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=PAGE_LOAD_MS, polling=500)
    # more room for the notebook: fold the file browser away
    if page.locator("#jp-left-stack").is_visible():
        page.keyboard.press("Control+b")
        expect(page.locator("#jp-left-stack")).to_be_hidden()


def cells(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def run_all(page, must_have_run: list[int]):
    """Run > Run All Cells, then waits until nothing is queued or running and `must_have_run` ran."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(RUN_FINISHED_JS, arg=must_have_run, timeout=RUN_ALL_MS, polling=500)


def save(page, path: Path):
    """File > Save through the keyboard shortcut; returns the notebook as written to disk."""
    before = path.stat().st_mtime_ns
    cells(page).first.click()  # focus the notebook, in command mode
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty')")
    deadline = time.monotonic() + UI_MS / 1000
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"{path.name} was not saved"
        time.sleep(0.2)
    return nbformat.read(path, as_version=4)


def error_outputs(states) -> dict[int, list[str]]:
    """Maps cell index to the text of its error outputs, as shown on the page."""
    errors = {}
    for cell in states:
        texts = [o["text"] for o in cell["outputs"] if o["mime"] != "text/html" and ERROR_TEXT.search(o["text"])]
        if texts:
            errors[cell["index"]] = texts
    return errors


def saved_errors(notebook) -> dict[int, list[str]]:
    return {
        index: [output.ename for output in cell.outputs if output.output_type == "error"]
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and any(output.output_type == "error" for output in cell.outputs)
    }


def index_of(notebook, grade_id: str) -> int:
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells]
    return ids.index(grade_id)


def scroll_to(page, index: int, block: str = "start"):
    """Scrolls the notebook so that cell `index` is at the top (or, with block="end", at the bottom)."""
    cells(page).nth(index).evaluate("(cell, block) => cell.scrollIntoView({block})", block)


def test_student_fills_in_an_exercise_and_its_test_passes(course, lab, page, shots):
    path = lab.root / "student" / f"{LESSON}.ipynb"
    path.parent.mkdir()
    shutil.copy(course.lesson_path(LESSON), path)
    notebook = nbformat.read(path, as_version=4)
    setup = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    exercise = index_of(notebook, "dense_forward")
    visible_test = index_of(notebook, "test_dense_forward")
    next_test = index_of(notebook, "test_dense_backward")
    assert setup < exercise and visible_test == exercise + 1 and next_test > visible_test
    assert "NotImplementedError" in notebook.cells[exercise].source

    open_notebook(page, lab, f"student/{LESSON}.ipynb", "e2e-student", len(notebook.cells))
    shots.take("opened")

    editor = cells(page).nth(exercise).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(DENSE_FORWARD)  # one input event: no auto-indent or auto-closed brackets
    assert editor.inner_text().strip() == DENSE_FORWARD
    page.keyboard.press("Escape")
    scroll_to(page, exercise - 1)
    shots.take("exercise-filled-in")

    started = time.monotonic()
    run_all(page, must_have_run=[setup, exercise, visible_test, next_test])
    print(f"Run All on the student notebook took {time.monotonic() - started:.0f} s")
    states = page.evaluate(READ_CELLS_JS)
    scroll_to(page, exercise - 1)
    shots.take("visible-test-passed")
    scroll_to(page, next_test - 1)
    shots.take("next-exercise-not-done")

    errors = error_outputs(states)
    # the only error on the page is the next exercise's test, which calls the untouched stub: errors are visible,
    # and none comes from the setup, the completed exercise or its test
    assert list(errors) == [next_test], f"errors shown in cells {sorted(errors)}: {errors}"
    assert "NotImplementedError" in errors[next_test][0]
    for index in (setup, exercise, visible_test):
        assert re.fullmatch(r"\[\d+\]:", states[index]["prompt"]), f"cell {index} did not run: {states[index]}"
    # Run All stops at the first error: later cells stay unrun
    assert all(not s["prompt"].strip("[]: ") for s in states[next_test + 1 :] if s["code"]), states[next_test + 1 :]
    assert not page.errors, page.errors

    saved = save(page, path)
    assert saved.cells[exercise].source == DENSE_FORWARD
    assert saved_errors(saved) == {next_test: ["NotImplementedError"]}
    shots.whole_notebook("whole-notebook")


def test_solved_lesson_runs_without_errors_and_shows_its_figure(course, lab, page, shots):
    path = lab.root / "solved" / f"{LESSON}.ipynb"
    path.parent.mkdir()
    nbformat.write(build_submission(course, LESSON), path)
    notebook = nbformat.read(path, as_version=4)
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]

    open_notebook(page, lab, f"solved/{LESSON}.ipynb", "e2e-solved", len(notebook.cells))
    started = time.monotonic()
    run_all(page, must_have_run=code_cells)
    print(f"Run All on the solved notebook took {time.monotonic() - started:.0f} s")
    states = page.evaluate(READ_CELLS_JS)

    errors = error_outputs(states)
    assert not errors, f"errors shown in cells {sorted(errors)}: {errors}"
    unrun = [i for i in code_cells if not re.fullmatch(r"\[\d+\]:", states[i]["prompt"])]
    assert not unrun, f"cells {unrun} did not run"
    figures = [s["index"] for s in states for o in s["outputs"] if o["mime"] == "image/png" and o["images"]]
    assert figures, "the lesson's experiment shows no figure"
    figure = cells(page).nth(figures[0]).locator('.jp-OutputArea-output[data-mime-type="image/png"] img').first
    expect(figure).to_be_visible()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), "the figure did not load"
    assert not page.errors, page.errors

    saved = save(page, path)
    assert not saved_errors(saved)
    assert any("image/png" in output.get("data", {}) for cell in saved.cells for output in cell.get("outputs", []))

    # the experiment, for the README: its heading at the top, the window made tall enough to show the figure
    heading = max(i for i in range(figures[0]) if notebook.cells[i].cell_type == "markdown")
    scroll_to(page, heading)
    scroller = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").bounding_box()
    figure_box = figure.bounding_box()
    overflow = figure_box["y"] + figure_box["height"] + 30 - (scroller["y"] + scroller["height"])
    height = VIEWPORT["height"] + max(0, round(overflow))
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    scroll_to(page, heading)
    lesson_shot = shots.with_height("experiment", height)
    scroll_to(page, 0)
    shots.take("top")
    shots.whole_notebook("whole-notebook")

    if os.environ.get("BACKPROP_LAB_SCREENSHOTS") == "1":
        target = ROOT / "assets" / "screenshots" / "lesson.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(lesson_shot, target)
