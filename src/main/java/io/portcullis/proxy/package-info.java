/**
 * The wire gateway: the {@code NetServer} verticles, the client session state machine (TLS
 * negotiation, startup, authentication, forwarding) and cancel-request routing.
 *
 * <p>May use: {@code wire}, {@code tls}, {@code auth}, {@code pool}, {@code config}, {@code prepared}.
 */
package io.portcullis.proxy;
