"""GraphiQL served by the server itself: the page at GET /graphql (for browsers) and its assets
under /graphiql/, vendored at pinned versions (static/VENDORED.md), so that it works with no
access to a CDN. Off when GRAPHIQL=false, and by default when APP_ENV=production."""

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC = Path(__file__).parent / "static"
PAGE = (STATIC / "page.html").read_text()
# Only this server's own scripts run on the page; queries go to this server, over HTTP or ws.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Vendored files never change under their versioned paths; ours (setup.*) may, with the code.
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(
        PAGE,
        headers={
            "Content-Security-Policy": POLICY,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


class GraphiQLAssets:
    """The files under static/, with cache headers (ASGI app for a Mount at /graphiql)."""

    def __init__(self) -> None:
        self.files = StaticFiles(directory=STATIC)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versioned = "@" in scope["path"]
        cache = IMMUTABLE if versioned else REVALIDATE

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"cache-control", cache),
                    (b"x-content-type-options", b"nosniff"),
                ]
            await send(message)

        await self.files(scope, receive, send_with_cache)
