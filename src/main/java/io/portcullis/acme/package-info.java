/**
 * Automatic certificates (ACME, RFC 8555, through acme4j): the account (its key generated here and sealed in the
 * configuration store), an order for the one managed domain set, challenges answered by HTTP-01 on the HTTP port
 * ({@link io.portcullis.acme.Http01Responder}, tokens of orders in progress only) or by TLS-ALPN-01 on the wire port
 * (the challenge certificates {@link io.portcullis.acme.ChallengeTokens} makes, shown by the {@code tls} package's
 * listener to a ClientHello offering {@code acme-tls/1}), finalization with a fresh key, and
 * the issued certificate installed through {@link io.portcullis.tls.TlsAdministration} as the default or a named (SNI)
 * certificate, hot-swapped like an upload. {@link io.portcullis.acme.AcmeManager} runs one order at a time on its own
 * worker thread (and, with a shared store, on one replica at a time: a lease in the store, the challenges published
 * there for every replica to answer), renews when a third of the lifetime is left, retries with back-off and never
 * replaces a valid certificate by nothing. DNS-01 and ARI are not here (see docs/tls.md).
 *
 * <p>May use: {@code config} (the stored request and account, sealing), {@code tls} (installing what was issued,
 * reading what is served), {@code log} (CA problem documents and domain names in log lines).
 */
package io.portcullis.acme;
