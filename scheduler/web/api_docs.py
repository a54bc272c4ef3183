"""The API documentation page (/docs), served with no outside resource.

FastAPI's default pages load Swagger UI and ReDoc from a CDN, so they are blank
on a union's office network without internet. The assets here come from the
``fastapi-offline`` package (its ``static/`` folder: Swagger UI's bundle and CSS)
and are served by the service itself. There is no /redoc: ReDoc's bundle loads
its logo from the internet whatever its options.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"


def assets_dir() -> Path:
    """The installed folder of Swagger UI files (found without importing the package)."""
    spec = find_spec("fastapi_offline")
    if spec is None or spec.origin is None:  # pragma: no cover - a pinned runtime dependency
        raise RuntimeError("Thiếu gói fastapi-offline (tài liệu API /docs cần nó).")
    return Path(spec.origin).parent / "static"


def install(app: FastAPI, title: str) -> None:
    """Add /docs and its assets; ``app`` must be built with docs_url=None, redoc_url=None."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} – tài liệu API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )

    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
