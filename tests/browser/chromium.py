"""Headless Chromium for tests, driven over the Chrome DevTools Protocol (a websocket; the
`websockets` package the suite already uses), so no browser automation package is needed.

Debian's `chromium` package provides the browser (`apt-get install chromium`; .ci/run installs
it). Set CHROMIUM to use another binary.
"""

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from websockets.asyncio.client import connect

START_TIMEOUT = 20.0


def chromium_binary() -> str | None:
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(Exception):
    """The page threw, or the protocol answered with an error."""


class Page:
    """One tab: navigate, evaluate JavaScript (awaiting promises), read its console."""

    def __init__(self, browser: "Browser", session_id: str) -> None:
        self.browser = browser
        self.session_id = session_id
        self.console: list[str] = []

    async def send(self, method: str, **params) -> dict:
        return await self.browser.send(method, params, self.session_id)

    async def goto(self, url: str, within: float = 15.0) -> None:
        loaded = self.browser.expect("Page.loadEventFired", self.session_id)
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(loaded, within)

    async def evaluate(self, expression: str, within: float = 30.0):
        """The value of a JavaScript expression (a promise is awaited), as JSON."""
        answer = await asyncio.wait_for(
            self.send(
                "Runtime.evaluate",
                expression=expression,
                awaitPromise=True,
                returnByValue=True,
            ),
            within,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{text}\nconsole: {self.console}")
        return answer["result"].get("value")


class Browser:
    def __init__(self, ws) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._answers: dict[int, asyncio.Future] = {}
        self._waiting: list[tuple[str, str | None, asyncio.Future]] = []
        self._pages: dict[str, Page] = {}
        self._reader = asyncio.create_task(self._read())

    async def send(self, method: str, params: dict | None = None, session_id: str | None = None):
        message_id = next(self._ids)
        answer = asyncio.get_running_loop().create_future()
        self._answers[message_id] = answer
        message = {"id": message_id, "method": method, "params": params or {}}
        if session_id is not None:
            message["sessionId"] = session_id
        await self._ws.send(json.dumps(message))
        return await answer

    def expect(self, method: str, session_id: str | None = None) -> asyncio.Future:
        """A future for the next event `method` (of one page's session)."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((method, session_id, future))
        return future

    async def new_page(self) -> Page:
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self, attached["sessionId"])
        self._pages[page.session_id] = page
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        return page

    async def _read(self) -> None:
        async for raw in self._ws:
            message = json.loads(raw)
            if "id" in message:
                answer = self._answers.pop(message["id"], None)
                if answer is None or answer.done():
                    continue
                if "error" in message:
                    answer.set_exception(BrowserError(message["error"].get("message")))
                else:
                    answer.set_result(message.get("result", {}))
                continue
            method, session_id = message.get("method"), message.get("sessionId")
            if method == "Runtime.consoleAPICalled" and session_id in self._pages:
                args = message["params"].get("args", [])
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
                self._pages[session_id].console.append(text)
            for waiting in list(self._waiting):
                wanted, wanted_session, future = waiting
                if wanted == method and wanted_session in (None, session_id):
                    self._waiting.remove(waiting)
                    if not future.done():
                        future.set_result(message.get("params", {}))

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


@contextlib.asynccontextmanager
async def headless_chromium(binary: str) -> AsyncIterator[Browser]:
    """A headless Chromium with a throwaway profile, ended on leaving."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-test-"))
    process = await asyncio.create_subprocess_exec(
        binary,
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        async with asyncio.timeout(START_TIMEOUT):
            # Chromium writes the file when its protocol listens; nothing to await but the file.
            while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        async with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as ws:
            browser = Browser(ws)
            try:
                yield browser
            finally:
                await browser.close()
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
        shutil.rmtree(profile, ignore_errors=True)
