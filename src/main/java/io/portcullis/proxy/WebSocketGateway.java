package io.portcullis.proxy;

import io.portcullis.net.WebSocketStream;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * PostgreSQL over WebSocket on the HTTP port: {@code GET /v2} upgrades, and the WebSocket's binary messages then
 * carry the client's PG-wire stream both ways ({@link WebSocketStream}), an ordinary session from there on
 * (authentication, routing, pooling, limits, timeouts, cancel, drain). Serverless and edge runtimes that cannot
 * open TCP reach the gateway this way, and so does anything behind an HTTP-only ingress such as Knative.
 *
 * <p>The session counts as TLS when the request came over HTTPS: this server's own ({@code portcullis.api.tls}),
 * or a trusted proxy's that says so in {@code X-Forwarded-Proto} (Quarkus's {@code quarkus.http.proxy.*}
 * decide what is trusted and rewrite the request's scheme and client address accordingly). Otherwise it is a
 * session in clear, held to the TLS mode like any other: {@code require} refuses its login.
 *
 * <p>The query string is ignored: Neon's driver appends {@code ?address=host:port} when given a proxy URL,
 * and where a session goes is decided by its database name (and never by a client-chosen address).
 */
@ApplicationScoped
public class WebSocketGateway {

    private static final Logger LOG = Logger.getLogger(WebSocketGateway.class);

    @Inject
    GatewayServer gateway;
    @Inject
    WebSocketSettings settings;

    void routes(@Observes Router router) {
        if (settings.enabled()) {
            router.get(WebSocketSettings.PATH).handler(this::upgrade);
        }
    }

    private void upgrade(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            context.response().setStatusCode(426).putHeader(HttpHeaders.UPGRADE, "websocket")
                    .end("PostgreSQL over WebSocket: open this path with a WebSocket client\n");
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        List<String> allowed = settings.allowedOrigins().orElse(List.of());
        if (origin != null && !allowed.isEmpty() && !allowed.contains(origin)) {
            context.response().setStatusCode(403).end("origin not allowed\n");
            return;
        }
        GatewayServices services = gateway.services();
        if (services == null) {
            context.response().setStatusCode(503).end("the wire gateway is not running\n");
            return;
        }
        // Read before the upgrade: Quarkus's forwarding wrapper answers these for the request, not the WebSocket.
        boolean https = request.isSSL();
        io.vertx.core.net.SocketAddress client = request.remoteAddress();
        io.vertx.core.http.HttpConnection connection = request.connection();
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.succeeded()) {
                ClientSession.accept(services, new WebSocketStream(upgraded.result(), connection, client, https));
            } else {
                LOG.debugf("WebSocket upgrade from %s failed: %s", client, upgraded.cause().getMessage());
            }
        });
    }
}
