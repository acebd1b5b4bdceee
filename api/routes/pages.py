"""The pages people use: the demo portal with the citizen widget, the agent console,
the handling units' workbench, the managers' dashboard and the knowledge workbench.

Plain files from ``api/static/`` with no build step. HTML pages carry a strict
Content-Security-Policy: scripts and styles only from this origin and nothing inline, so
even a message that slipped through as markup could not run. Everything is served with
``Cache-Control: no-cache`` so a deploy is picked up on the next page load.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
_COMMON_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
_HTML_HEADERS = {
    **_COMMON_HEADERS,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}

# (URL path, file, media type); nothing else under static/ is reachable.
PAGES = (
    ("/", "index.html", "text/html; charset=utf-8"),
    ("/agent", "agent.html", "text/html; charset=utf-8"),
    ("/demo.css", "demo.css", "text/css; charset=utf-8"),
    ("/widget.js", "widget.js", "text/javascript; charset=utf-8"),
    ("/widget.css", "widget.css", "text/css; charset=utf-8"),
    ("/agent.js", "agent.js", "text/javascript; charset=utf-8"),
    ("/agent.css", "agent.css", "text/css; charset=utf-8"),
    ("/department", "department.html", "text/html; charset=utf-8"),
    ("/department.js", "department.js", "text/javascript; charset=utf-8"),
    ("/department.css", "department.css", "text/css; charset=utf-8"),
    ("/dashboard", "dashboard.html", "text/html; charset=utf-8"),
    ("/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
    ("/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
    ("/knowledge", "knowledge.html", "text/html; charset=utf-8"),
    ("/knowledge.js", "knowledge.js", "text/javascript; charset=utf-8"),
    ("/knowledge.css", "knowledge.css", "text/css; charset=utf-8"),
)

router = APIRouter(include_in_schema=False)


def _page(filename: str, media_type: str):
    headers = _HTML_HEADERS if media_type.startswith("text/html") else _COMMON_HEADERS

    def serve() -> FileResponse:
        return FileResponse(
            STATIC_DIR / filename, media_type=media_type, headers=headers
        )

    serve.__name__ = f"page_{filename.replace('.', '_')}"
    return serve


for _path, _filename, _media_type in PAGES:
    router.add_api_route(_path, _page(_filename, _media_type), methods=["GET", "HEAD"])
