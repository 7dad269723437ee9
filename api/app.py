"""The ASGI app: /graphql (GraphiQL, POST, graphql-transport-ws), /healthz, /readyz, /metrics."""

import contextlib
from datetime import timedelta

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

import domain.services  # noqa: F401  (registers every command handler)
from api.auth import AuthenticationFailed, bearer_token, identify
from api.compiled import enabled_by_environment as compiled_reads_enabled
from api.context import Context
from api.cors import cors_middleware
from api.graphiql import GraphiQLAssets, graphiql_page
from api.idempotency import IdempotencyMiddleware
from api.identities import IdentityCache
from api.limits.settings import Limits, LimitSettings
from api.limits.transport import BoundedView, RequestBounds
from api.live.brokers import broker_for
from api.live.hub import EventHub
from api.live.sign_in import ConnectionSignIn
from api.live.transport import TransportHandler
from api.live.viewers import ViewerWatch
from api.observability.metrics import metrics_endpoint, watch_pool
from api.observability.requests import RequestObservation
from api.observability.tracing import setup_tracing
from api.persisted_queries import PersistedQueries
from api.schema import schema
from domain.config import Settings, get_settings
from domain.jobs import create_job_queue
from domain.services.pipeline import UseCases
from domain.store.db import create_engine


class GraphQLView(BoundedView, GraphQL):
    """Strawberry's ASGI view with our context, authentication, a faster JSON encoder and our
    websocket handler (api.live.transport)."""

    graphql_transport_ws_handler_class = TransportHandler

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        hub: EventHub,
        viewer_watch: ViewerWatch,
        use_cases: UseCases,
        identities: IdentityCache | None = None,
    ) -> None:
        super().__init__(
            schema,
            # Our page (api.graphiql) with its assets served here; None answers GET with 404.
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            # Queries (never mutations) may come by GET, with APQ hashes (api.persisted_queries).
            allow_queries_via_get=True,
            # Only the current protocol: the legacy graphql-ws one had several CVEs in 2026.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            keep_alive=True,
            keep_alive_interval=15,
            max_subscriptions_per_connection=50,
            allowed_origins=[o for o in settings.allowed_origins.split(",") if o],
        )
        self.engine = engine
        self.settings = settings
        self.hub = hub
        self.viewer_watch = viewer_watch
        self.use_cases = use_cases
        self.identities = identities
        self.connection_sign_in = ConnectionSignIn(engine, settings)
        # Query operations answered without per-field execution (api.compiled).
        self.compiled_reads = compiled_reads_enabled()

    async def get_context(self, request, response) -> Context:
        context = Context(
            self.engine,
            self.settings,
            actor=None,
            request=request,
            hub=self.hub,
            use_cases=self.use_cases,
            compiled_reads=self.compiled_reads,
        )
        if self.is_websocket_request(request):
            return context  # authenticated in on_ws_connect, from connection_init
        context.response = response
        try:
            identity = await identify(
                self.engine, self.settings, bearer_token(request.headers), self.identities
            )
        except AuthenticationFailed as e:
            context.auth_error = str(e)
        else:
            context.actor, context.session_id = identity.actor, identity.session_id
        response.background = BackgroundTask(context.db.close)
        return context

    async def on_ws_connect(self, context: Context):
        params = context.connection_params or {}
        token = params.get("token") or bearer_token(
            {"authorization": str(params.get("Authorization") or params.get("authorization") or "")}
        )
        try:
            # Read from the database, not the identity cache: a connection is authenticated
            # once for its whole life, so it costs nothing to check the current rows. Many
            # connections at once share one read (api.live.sign_in).
            identity = await self.connection_sign_in.identify(token)
        except AuthenticationFailed as e:
            raise ConnectionRejectionError({"message": str(e)}) from e
        context.actor, context.session_id = identity.actor, identity.session_id
        context.token_expires_at = identity.expires_at
        return None

    async def render_graphql_ide(self, request):
        return graphiql_page()

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    limit_settings: LimitSettings | None = None,
) -> Starlette:
    """The app; tests hand in their own engine and settings."""
    settings = settings or get_settings()
    settings.check_production()
    owns_engine = engine is None
    engine = engine or create_engine(settings.database_url)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as e:  # any failure means "not ready"; the reason is for the operator
            return JSONResponse({"status": "unavailable", "reason": type(e).__name__}, 503)
        return JSONResponse({"status": "ready"})

    watch_pool(engine)
    tracing = setup_tracing(engine, schema)  # None unless OTEL_EXPORTER_OTLP_ENDPOINT is set
    hub = EventHub(engine, broker_for(settings.event_broker_url))
    # Request bounds, cost limits and rate buckets (shared through Redis when there is one).
    limits = Limits(limit_settings or LimitSettings(), settings.event_broker_url)
    viewer_watch = ViewerWatch(engine, hub)
    # Long work (forecast baselines, MRP runs) goes to background jobs, never this event loop.
    jobs = create_job_queue(settings.database_url)
    # Actors of recent tokens (api.identities): most requests authenticate without SQL.
    identities = IdentityCache()

    def committed(events) -> None:
        # Before the response of the change is sent: this process forgets changed access at once.
        identities.committed(events)
        hub.committed()

    # Every business action runs here; a commit with events wakes this process's hub at once.
    use_cases = UseCases(engine, on_commit=committed, jobs=jobs)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        await hub.start()
        await identities.start(hub)
        await viewer_watch.start()
        await jobs.start(engine)
        try:
            yield
        finally:
            await jobs.stop()
            await viewer_watch.stop()
            await identities.stop()
            await hub.stop()
            await limits.close()
            if tracing is not None:
                tracing.flush()
            if owns_engine:
                await engine.dispose()

    view = GraphQLView(engine, settings, hub, viewer_watch, use_cases, identities)
    view.limits = limits
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint(settings.metrics_token)),
            Route(
                "/graphql",
                RequestBounds(
                    PersistedQueries(IdempotencyMiddleware(view, engine, settings, identities)),
                    limits,
                ),
                methods=["GET", "POST"],
            ),
            WebSocketRoute("/graphql", view),
            *([Mount("/graphiql", GraphiQLAssets())] if settings.graphiql_enabled else []),
        ],
        middleware=[*cors_middleware(settings), Middleware(RequestObservation, tracing=tracing)],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.hub = hub
    app.state.viewer_watch = viewer_watch
    app.state.use_cases = use_cases
    app.state.identities = identities
    app.state.limits = limits
    app.state.jobs = jobs
    return app
