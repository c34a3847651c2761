"""The preview's routes (starlette): the page, its state, its events, and the files it shows.

Only these are served: the page's own static files, the unpacked EPUB of a build (`/book/N/...`),
PDF pages drawn from a build's PDF (`/pdf/N/P.jpg`), and the book's chapter files as text with
line numbers (`/source/REL`, what a diagnostic's file:line opens). Every path goes through
`preview.safe_file()`: nothing outside those folders, whatever the encoding of `..`.
"""
from __future__ import annotations

import asyncio
import html
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response, \
    StreamingResponse
from starlette.routing import Route

from . import preview

STATIC = Path(__file__).parent / "static"
NOT_FOUND = PlainTextResponse("not found", status_code=404)
NO_CACHE = {"Cache-Control": "no-store"}


def app(session, stop: asyncio.Event | None = None, hosts: list[str] | None = None) -> Starlette:
    """The preview's ASGI app over a Session (session.py). `stop`: set when the server stops,
    which ends the open event streams."""
    stop = stop or asyncio.Event()

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "preview.html", headers=NO_CACHE)

    async def static(request: Request) -> Response:
        path = preview.safe_file(STATIC, request.path_params["path"])
        return FileResponse(path, headers=NO_CACHE) if path else NOT_FOUND

    async def state(request: Request) -> Response:
        return JSONResponse(session.state(), headers=NO_CACHE)

    async def book(request: Request) -> Response:
        folder = session.generations.folder("epub", request.path_params["number"])
        path = preview.safe_file(folder, request.path_params["path"])
        return FileResponse(path, headers=NO_CACHE) if path else NOT_FOUND

    async def pdf_page(request: Request) -> Response:
        number, page = request.path_params["number"], request.path_params["page"]
        pdf = session.pdf_file(number)
        if pdf is None or page < 1:
            return NOT_FOUND
        try:
            image = await asyncio.to_thread(preview.render_page, pdf, page, pdf.parent / f"page-{page}.jpg")
        except Exception:  # past the last page, or the PDF removed by a newer build meanwhile
            return NOT_FOUND
        return FileResponse(image, headers={"Cache-Control": "max-age=3600"})

    async def source(request: Request) -> Response:
        rel = request.path_params["path"]
        path = session.chapter_files.get(rel)
        if path is None or preview.safe_file(session.source, rel) != path:
            return NOT_FOUND
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        rows = "".join(f'<tr id="L{i}"><td class="n"><a href="#L{i}">{i}</a></td><td>{html.escape(line)}</td></tr>'
                       for i, line in enumerate(lines, 1))
        return HTMLResponse(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(rel)}</title>'
                            f'<link rel="stylesheet" href="/static/source.css"></head><body>'
                            f'<h1>{html.escape(rel)}</h1><table>{rows}</table></body></html>', headers=NO_CACHE)

    async def events(request: Request) -> Response:
        queue: asyncio.Queue = asyncio.Queue()
        session.listeners.add(queue)

        async def stream():
            try:
                yield "retry: 500\n\n"
                while not stop.is_set():
                    try:
                        item = await asyncio.wait_for(queue.get(), timeout=15)
                    except asyncio.TimeoutError:
                        yield ": still here\n\n"
                        continue
                    if item is None:  # the server stops
                        break
                    event, data = item
                    yield f"event: {event}\ndata: {data}\n\n"
            finally:
                session.listeners.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_CACHE)

    routes = [
        Route("/", page),
        Route("/static/{path:path}", static),
        Route("/api/state", state),
        Route("/events", events),
        Route("/book/{number:int}/{path:path}", book),
        Route("/pdf/{number:int}/{page:int}.jpg", pdf_page),
        Route("/source/{path:path}", source),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)] if hosts else []
    return Starlette(routes=routes, middleware=middleware)
