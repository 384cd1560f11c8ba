/**
 * Certificate material: PEM parsing and validation, self-signed certificates (BouncyCastle), the
 * listener's TLS context ({@link io.portcullis.tls.ListenerTlsContext}, a Netty context built here) and its hot swap,
 * client-CA verification. Two sides: the wire path handshakes
 * and checks client certificates through {@link io.portcullis.tls.TlsHandshakes}; the API, metrics and health
 * read and change certificate, mode and client CA through {@link io.portcullis.tls.TlsAdministration}, the
 * owner of the live state (formerly one class, {@code LiveTls}). Also TLS towards backends: the
 * per-database profile ({@link io.portcullis.tls.BackendTlsProfile}: what is trusted and checked, the
 * client certificate), the process-wide default CA, the client options and the in-band upgrade (in
 * {@link io.portcullis.tls.VertxTls}, the one class that calls Vert.x's TLS API), and the reasons a
 * backend handshake failed, in words. Also the wire side of ACME's TLS-ALPN-01: while a challenge waits
 * ({@link io.portcullis.tls.TlsAlpnChallenges}, provided by {@code acme} without this package depending on it), a
 * direct-TLS ClientHello is read before its handshake and a validation is answered with the challenge certificate.
 *
 * <p>May use: {@code config}, {@code log} (certificate subjects and file errors in log lines).
 */
package io.portcullis.tls;
