package io.portcullis.proxy;

import io.portcullis.net.WebSocketStream;
import io.vertx.core.http.HttpHeaders;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
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
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    @Inject
    GatewayServer gateway;
    @Inject
    WebSocketSettings settings;

    void routes(@Observes Router router) {
        if (settings.enabled()) {
            router.get(WebSocketSettings.PATH).handler(this::upgrade);
        }
    }

    /**
     * The address per-address caps, the login throttle and the logs count the client by. Quarkus answers the first
     * {@code X-Forwarded-For} entry of a trusted proxy's request; behind a proxy that appends to the header (Go's
     * reverse proxy, as Knative's queue-proxy is; nginx's {@code $proxy_add_x_forwarded_for}; Envoy) the client wrote
     * that entry itself. The last entry is the one the trusted proxy added: that, when it is an IP address, else the
     * proxy's own address.
     */
    static SocketAddress clientAddress(HttpServerRequest request, SocketAddress peer) {
        SocketAddress forwarded = request.remoteAddress();
        String header = request.getHeader(X_FORWARDED_FOR);
        if (forwarded == null || peer == null || header == null
                || (java.util.Objects.equals(forwarded.hostAddress(), peer.hostAddress()) && forwarded.port() == peer.port())) {
            return peer; // not forwarded: the peer is no trusted proxy, or sent no header
        }
        String last = header.substring(header.lastIndexOf(',') + 1).trim();
        if (last.startsWith("[") && last.endsWith("]")) {
            last = last.substring(1, last.length() - 1);
        }
        if (NetUtil.isValidIpV4Address(last) || NetUtil.isValidIpV6Address(last)) {
            return SocketAddress.inetSocketAddress(0, last);
        }
        return peer;
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
        io.vertx.core.http.HttpConnection connection = request.connection();
        SocketAddress client = clientAddress(request, connection.remoteAddress());
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.succeeded()) {
                ClientSession.accept(services, new WebSocketStream(upgraded.result(), connection, client, https));
            } else {
                LOG.debugf("WebSocket upgrade from %s failed: %s", client, upgraded.cause().getMessage());
            }
        });
    }
}
