package io.portcullis.tls;

/**
 * Fired, asynchronously ({@code Event.fireAsync}), once the wire listeners serve a new server certificate:
 * after an install through the API, a reload of {@code portcullis.tls.cert-file} or a change stored by
 * another replica. Whatever else serves the same material follows it from here (the management API's
 * HTTPS, see {@code api.GatewayCertificateForHttp}).
 *
 * @param material the certificate chain and key now served
 */
public record ServerCertificateChanged(TlsMaterial material) {
}
