"""The embed a news page pastes: an iframe of a contest's widget that works from any site.

The snippet names this site by its absolute address (``SAYLAU_PUBLIC_URL``, the address
readers know it by behind a proxy, else the address the request came to), so it works when
pasted anywhere. Its height is first computed from the number of options, so every option
shows even where scripts do not run; with scripts, the widget posts its own height to the
page (``widget.js``) and the snippet's small script (``embed.js``) sets the iframe to it,
so a long Kazakh party name that wraps on a phone is never cut off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from markupsafe import escape

PUBLIC_URL = "SAYLAU_PUBLIC_URL"
#: the widget's heading, summary and footnote, and one table row (CSS pixels, desktop);
#: held by the browser test that checks the widget fits its computed height
FRAME = 440
ROW = 48


def public_base(request_base: str) -> str:
    """The site's public address without a trailing slash: the configured one, else the
    address the request came to."""
    configured = os.environ.get(PUBLIC_URL, "").strip()
    return (configured or request_base).rstrip("/")


def fitting_height(options: int) -> int:
    """The iframe's height before its script measures it: every option's row fits."""
    return FRAME + ROW * options


@dataclass(frozen=True)
class Embed:
    """A contest's embed: the widget's address, the resizing script's and a height."""

    widget: str
    script: str
    title: str
    height: int

    def snippet(self) -> str:
        """The HTML a news page pastes."""
        return (
            f'<iframe src="{escape(self.widget)}" title="{escape(self.title)}" '
            f'width="100%" height="{self.height}" style="border:0;width:100%" '
            f'loading="lazy" data-saylau-embed></iframe>\n'
            f'<script src="{escape(self.script)}" async></script>'
        )


def embed(base: str, language: str, election: str, contest: str, title: str, options: int) -> Embed:
    """The embed of ``contest`` in ``language`` from the site at ``base``."""
    return Embed(
        widget=f"{base}/{language}/{election}/{contest}/widget",
        script=f"{base}/static/embed.js",
        title=title,
        height=fitting_height(options),
    )
