/**
 * The wire gateway: the {@code NetServer} verticles, PostgreSQL over WebSocket on the HTTP port ({@code GET /v2},
 * {@code WebSocketGateway}: the same sessions over another transport), the client session state machine (TLS
 * negotiation, startup, authentication, forwarding; its states are the records of {@code SessionState}, and
 * forwarding's hold on a server connection is a {@code ServerLink}), client limits, session timeouts and
 * cancel-request routing. Server connections are borrowed and given back only through the pool's
 * {@code SessionLender}; TLS is reached through {@code tls.TlsHandshakes}, the wire path's side of it.
 *
 * <p>May use: {@code wire}, {@code net}, {@code tls}, {@code auth}, {@code pool}, {@code config}, {@code prepared},
 * {@code peer} (process ids that name their replica, cancels for other replicas' sessions), {@code log} (escaping
 * client-chosen names in log lines).
 */
package io.portcullis.proxy;
