"""A tiny Chrome DevTools Protocol client over --remote-debugging-pipe (no extra packages):
open a page in real headless Chromium, collect console errors and uncaught exceptions, evaluate
an expression, take a screenshot."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-extensions",
    "--mute-audio",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@dataclass
class PageResult:
    errors: list[str] = field(default_factory=list)  # console.error / assert, exceptions, Log errors
    messages: list[str] = field(default_factory=list)  # every console message, for diagnostics
    value: object = None  # the evaluated expression's value
    screenshot: bytes | None = None


class _Pipe:
    def __init__(self, proc, wfd: int, rfd: int):
        self.proc, self.wfd, self.rfd = proc, wfd, rfd
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def _read(self, timeout: float) -> dict | None:
        end = time.monotonic() + timeout
        while b"\0" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.rfd], [], [], left)
            if r:
                chunk = os.read(self.rfd, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the debugging pipe")
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        i = self.send(method, params, session)
        end = time.monotonic() + timeout
        while True:
            msg = self._read(max(0.0, end - time.monotonic()))
            if msg is None:
                raise TimeoutError(f"no answer to {method}")
            if msg.get("id") == i:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            msg = self._read(max(0.0, end - time.monotonic()))
            if msg and "method" in msg:
                self.events.append(msg)

    def wait_event(self, method: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(e["method"] == method for e in self.events):
                return True
            msg = self._read(max(0.0, end - time.monotonic()))
            if msg and "method" in msg:
                self.events.append(msg)
        return any(e["method"] == method for e in self.events)


def open_page(
    url: str,
    *,
    expression: str | None = None,
    width: int = 1400,
    height: int = 900,
    settle: float = 2.0,
    screenshot: bool = False,
    full_page: bool = True,
    chromium: str | None = None,
    timeout: float = 60,
) -> PageResult:
    exe = chromium or find_chromium()
    if not exe:
        raise FileNotFoundError("chromium not found")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child() -> None:  # the debugging pipe is fd 3 (commands in) and fd 4 (answers out)
        a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)  # out of the way first: the pipes may be fds 3/4
        b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.dup2(a, 3, inheritable=True)
        os.dup2(b, 4, inheritable=True)

    profile = tempfile.mkdtemp(prefix="nbaprops-chromium-")
    proc = subprocess.Popen(
        [
            exe,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(profile, "..", "chromium-pipe.log"), "wb")  # noqa: SIM115 - the browser writes to it while it runs
        if os.environ.get("NBAPROPS_CHROMIUM_LOG")
        else subprocess.DEVNULL,
        preexec_fn=child,
        close_fds=False,
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    pipe = _Pipe(proc, to_chrome_w, from_chrome_r)
    out = PageResult()
    try:
        targets = pipe.call("Target.getTargets", timeout=timeout)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        sid = pipe.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for m in ("Runtime.enable", "Log.enable", "Page.enable"):
            pipe.call(m, session=sid)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=sid,
        )
        pipe.events.clear()
        pipe.call("Page.navigate", {"url": url}, session=sid, timeout=timeout)
        if not pipe.wait_event("Page.loadEventFired", timeout):
            out.errors.append("page did not finish loading")
        pipe.pump(settle)
        if expression:
            res = pipe.call(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True, "awaitPromise": True},
                session=sid,
                timeout=timeout,
            )
            if "exceptionDetails" in res:
                out.errors.append(f"evaluate: {res['exceptionDetails'].get('text')}")
            out.value = res.get("result", {}).get("value")
        if screenshot:
            params: dict = {"format": "png"}
            if full_page:
                h = pipe.call(
                    "Runtime.evaluate",
                    {"expression": "document.documentElement.scrollHeight", "returnByValue": True},
                    session=sid,
                )["result"]["value"]
                pipe.call(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": int(h), "deviceScaleFactor": 1, "mobile": False},
                    session=sid,
                )
                pipe.pump(1.0)
                params["captureBeyondViewport"] = True
            out.screenshot = base64.b64decode(
                pipe.call("Page.captureScreenshot", params, session=sid, timeout=timeout)["data"]
            )
        pipe.pump(0.2)
        for e in pipe.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                out.messages.append(f"{p.get('type')}: {text}")
                if p.get("type") in ("error", "assert"):
                    out.errors.append(f"console.{p.get('type')}: {text}")
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.errors.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                ent = p["entry"]
                out.errors.append(f"log: {ent.get('text')} ({ent.get('url', '')})")
        try:
            pipe.send("Browser.close")
        except OSError:
            pass
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_chrome_w)
        os.close(from_chrome_r)
        shutil.rmtree(profile, ignore_errors=True)
    return out
