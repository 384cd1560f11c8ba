/**
 * The wire gateway: the {@code NetServer} verticles, the client session state machine (TLS
 * negotiation, startup, authentication, forwarding), client limits, session timeouts and cancel-request
 * routing. Also produces the process's {@code LiveSettings}, whose defaults are this package's and the
 * pool's properties.
 *
 * <p>May use: {@code wire}, {@code net}, {@code tls}, {@code auth}, {@code pool}, {@code config}, {@code prepared},
 * {@code log} (escaping client-chosen names in log lines).
 */
package io.portcullis.proxy;
