package io.portcullis.proxy;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The HTTP server's WebSocket options, for {@code /v2}: no compression. Vert.x offers permessage-deflate and
 * deflate-frame by default, and inflates without a bound, so one compressed frame within
 * {@code quarkus.http.websocket-server.max-frame-size} could become a gigabyte before any login; PostgreSQL's bytes
 * gain little from it anyway, and the TLS around them does not compress either.
 */
@ApplicationScoped
public class WebSocketServerOptions implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        withoutCompression(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        withoutCompression(options);
    }

    private static void withoutCompression(HttpServerOptions options) {
        options.setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
    }
}
