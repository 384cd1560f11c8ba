/**
 * The wire gateway: the {@code NetServer} verticles, the client session state machine (TLS
 * negotiation, startup, authentication, forwarding; its states are the records of {@code SessionState}, and
 * forwarding's hold on a server connection is a {@code ServerLink}), client limits, session timeouts and
 * cancel-request routing. Server connections are borrowed and given back only through the pool's
 * {@code SessionLender}; TLS is reached through {@code tls.TlsHandshakes}, the wire path's side of it. Also produces the process's {@code LiveSettings}, whose defaults are this package's and the
 * pool's properties.
 *
 * <p>May use: {@code wire}, {@code net}, {@code tls}, {@code auth}, {@code pool}, {@code config}, {@code prepared},
 * {@code log} (escaping client-chosen names in log lines).
 */
package io.portcullis.proxy;
