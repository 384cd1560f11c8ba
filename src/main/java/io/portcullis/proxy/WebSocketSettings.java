package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL over WebSocket on the HTTP port ({@link WebSocketGateway}). Which requests count as HTTPS, and whose
 * forwarded client address is believed, are Quarkus's proxy settings ({@code quarkus.http.proxy.*}: by default
 * only a proxy on loopback, such as Knative's queue-proxy, is trusted); the largest frame a client may send is
 * {@code quarkus.http.websocket-server.max-frame-size}.
 */
@ConfigMapping(prefix = "portcullis.websocket")
public interface WebSocketSettings {

    /** The path drivers open: Neon's {@code @neondatabase/serverless} appends it to the host by default. */
    String PATH = "/v2";

    /** Whether {@value #PATH} upgrades to a WebSocket that carries PostgreSQL; false answers 404 there. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Over a WebSocket inside HTTPS, password users are asked for the password itself
     * (AuthenticationCleartextPassword) and it is checked against their stored SCRAM verifier or md5 hash, as
     * Neon's proxy does: Neon's driver sends the password right behind its startup packet to save a round trip
     * ({@code pipelineConnect: "password"}, its default) and cannot answer a SCRAM exchange then. False asks for
     * SCRAM or md5 as over TCP. A WebSocket that HTTPS does not carry is never asked for a cleartext password.
     */
    @WithDefault("true")
    boolean cleartextPassword();

    /**
     * The browser origins ({@code https://app.example.com}) whose pages may open the WebSocket; a request with
     * another {@code Origin} header is refused with 403. Unset: no check, since drivers outside a browser send
     * no Origin and what a page may do is decided by the database login anyway.
     */
    Optional<List<String>> allowedOrigins();
}
