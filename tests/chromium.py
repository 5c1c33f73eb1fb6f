"""Headless Chromium for the tests: install it when absent, render pages.

Debian's ``chromium`` package is installed with apt-get the first time it is
needed (as root that works in the project's containers). Rendering uses flags
that keep the browser off the network and away from any shared profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Generous: apt-get update plus a ~100 MB package on a slow mirror.
INSTALL_TIMEOUT = 900
RENDER_TIMEOUT = 60

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ChromiumUnavailable(RuntimeError):
    """Chromium is missing and could not be installed; the message says why."""


def ensure_chromium() -> Path:
    """The Chromium binary, installed with apt-get when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise ChromiumUnavailable(f"{CHROMIUM} is missing and there is no apt-get to install it")
    if os.geteuid() != 0:
        raise ChromiumUnavailable(
            f"{CHROMIUM} is missing and installing it needs root (apt-get install -y chromium)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ChromiumUnavailable(f"{' '.join(command)} timed out") from error
        if done.returncode != 0:
            raise ChromiumUnavailable(
                f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}"
            )
    if not CHROMIUM.exists():
        raise ChromiumUnavailable(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


def _run(binary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [str(binary), *_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def dump_dom(binary: Path, url: str) -> str:
    """The page's DOM, serialized after its scripts ran."""
    return _run(binary, "--dump-dom", url).stdout


def screenshot(binary: Path, url: str, path: Path, size: tuple[int, int] = (1280, 1600)) -> None:
    """A PNG of the rendered page."""
    _run(binary, f"--window-size={size[0]},{size[1]}", f"--screenshot={path}", url)


class Element:
    """A parsed start tag with its attributes and the text inside it."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in {"meta", "input", "br", "img", "link", "hr", "source", "wbr"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse(html: str) -> list[Element]:
    """Every element of ``html`` in document order, with its text."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def ensure_cjk_font() -> None:
    """A font with Chinese glyphs (Debian's fonts-noto-cjk), installed with apt-get
    when fontconfig knows none, so that rendered pages show characters, not boxes."""
    if _has_cjk_font():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ChromiumUnavailable("no CJK font and no way to install fonts-noto-cjk (needs root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "fonts-noto-cjk"]):
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=INSTALL_TIMEOUT, check=False
        )
        if done.returncode != 0:
            raise ChromiumUnavailable(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    if not _has_cjk_font():
        raise ChromiumUnavailable("fonts-noto-cjk installed but fontconfig lists no CJK font")


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return bool(listed.stdout.strip())
