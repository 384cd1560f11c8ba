package io.portcullis.tunnel;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import org.jboss.logging.Logger;

/**
 * Carries each connection to a local port over a WebSocket of its own, both ways, with Vert.x's pipes (each side
 * stops reading while the other's write queue is full). Nothing is retried or reconnected: when either side ends,
 * so does the other, and a client sees a dropped WebSocket as a closed connection, as it would a dropped TCP one.
 */
final class WebSocketTunnel {

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);
    /** The gateway sends a frame per read off a backend: at most a read buffer's worth, far below this. */
    private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /**
     * WebSockets open at once. Vert.x's default (50) would make the 51st local connection wait, with no timeout, for
     * one of the first fifty to end; a pooler's clients hold theirs for long. (-1 would make every one wait.)
     */
    private static final int MAX_WEBSOCKETS = 100_000;

    private final Vertx vertx;
    private final TunnelOptions options;
    private final WebSocketClient client;
    private NetServer server;

    WebSocketTunnel(Vertx vertx, TunnelOptions options) {
        this.vertx = vertx;
        this.options = options;
        WebSocketClientOptions clientOptions = new WebSocketClientOptions()
                .setMaxFrameSize(MAX_FRAME_BYTES)
                .setMaxMessageSize(MAX_FRAME_BYTES)
                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                .setMaxConnections(MAX_WEBSOCKETS)
                .setTcpNoDelay(true);
        if ("wss".equals(options.url().getScheme())) {
            // The host name is verified against the certificate (Vert.x's default); trust is the system's unless given.
            clientOptions.setSsl(true).setVerifyHost(true);
            options.caFile().ifPresent(ca -> clientOptions.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        }
        this.client = vertx.createWebSocketClient(clientOptions);
    }

    /** Listens; completes with the port bound. */
    Future<Integer> start() {
        server = vertx.createNetServer(new NetServerOptions().setHost(options.listenHost()).setPort(options.listenPort())
                .setTcpNoDelay(true));
        server.connectHandler(this::carry);
        return server.listen().map(NetServer::actualPort);
    }

    private void carry(NetSocket local) {
        local.pause();
        WebSocketConnectOptions connect = new WebSocketConnectOptions().setAbsoluteURI(options.url().toString())
                .setTimeout(CONNECT_TIMEOUT_MILLIS) // the upgrade's answer too, not only the TCP connect
                .setAllowOriginHeader(false); // a tunnel is no browser page: the gateway's origin check is not for it
        options.bearerToken().ifPresent(token -> connect.addHeader("Authorization", "Bearer " + token));
        client.connect(connect).onComplete(opened -> {
            if (opened.failed()) {
                LOG.warnf("tunnel: %s could not be reached for a connection from %s: %s", options.url(),
                        local.remoteAddress(), opened.cause().getMessage());
                local.close();
                return;
            }
            WebSocket remote = opened.result();
            remote.pipeTo(local);
            local.pipeTo(remote);
        });
    }
}
