package io.portcullis.tls;

import io.netty.handler.ssl.SslHandshakeTimeoutException;

import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Says in words why a TLS handshake with a backend failed, for the error the client gets: unknown CA,
 * host name mismatch, an expired certificate, a client certificate the backend wanted or refused, nothing
 * in common. The JDK reports these as nested exceptions whose top message is about "PKIX path building";
 * the reason is found by walking the causes.
 */
public final class BackendTlsFailure {

    private BackendTlsFailure() {
    }

    /**
     * @param failure what the handshake failed with
     * @param host    the host the database connects to, for a name mismatch
     */
    public static String describe(Throwable failure, String host) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String reason = reason(t, host);
            if (reason != null) {
                return reason;
            }
        }
        Throwable deepest = failure;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
        return "the TLS handshake failed: " + message;
    }

    /** Whether {@code failure} came from TLS (rather than from the network or the protocol). */
    public static boolean isTls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable t, String host) {
        if (t instanceof CertificateExpiredException) {
            return "certificate expired: the backend's certificate (or one of its issuers) is no longer valid ("
                    + t.getMessage() + ")";
        }
        if (t instanceof CertificateNotYetValidException) {
            return "certificate not yet valid: the backend's certificate (or one of its issuers) is not valid yet ("
                    + t.getMessage() + "); check the clocks";
        }
        if (t instanceof CertPathValidatorException validator && validator.getReason() != null) {
            switch (validator.getReason().toString()) {
                case "EXPIRED" -> {
                    return "certificate expired: the backend's certificate (or one of its issuers) is no longer valid";
                }
                case "NOT_YET_VALID" -> {
                    return "certificate not yet valid: the backend's certificate is not valid yet; check the clocks";
                }
                case "NO_TRUST_ANCHOR" -> {
                    return unknownCa();
                }
                default -> {
                    // Other reasons (revoked, bad signature...) are said by the message below.
                }
            }
        }
        if (t instanceof CertPathBuilderException) {
            return unknownCa();
        }
        String message = t.getMessage() == null ? "" : t.getMessage();
        if (t instanceof java.security.cert.CertificateException
                && (message.startsWith("No subject alternative") || message.startsWith("No name matching"))) {
            return "host name mismatch: the backend's certificate is not issued for '" + host + "' (" + message
                    + "); serverTls verify-full checks it, verify-ca does not";
        }
        if (t instanceof SslHandshakeTimeoutException) {
            return "the TLS handshake timed out";
        }
        if (t instanceof SSLException && message.startsWith("Received fatal alert: ")) {
            return alert(message.substring("Received fatal alert: ".length()).strip().toLowerCase(Locale.ROOT));
        }
        if (t instanceof ClosedChannelException) {
            return "the backend closed the connection during the TLS handshake";
        }
        return null;
    }

    private static String unknownCa() {
        return "unknown CA: the backend's certificate is not signed by a CA this database trusts (serverCa, or "
                + BackendTlsDefaults.CA_FILE + ")";
    }

    private static String alert(String alert) {
        return switch (alert) {
            case "certificate_required" -> "the backend requires a client certificate: set serverCertificate and serverKey";
            case "bad_certificate", "unknown_ca", "certificate_unknown", "certificate_revoked", "certificate_expired",
                 "unsupported_certificate", "access_denied" ->
                    "the backend refused the client certificate (TLS alert " + alert + ")";
            case "handshake_failure", "protocol_version", "insufficient_security" ->
                    "no TLS version or cipher suite in common with the backend (TLS alert " + alert
                            + "); Portcullis offers TLS 1.2 and 1.3 with ECDHE and AEAD cipher suites only";
            default -> "the backend ended the TLS handshake (TLS alert " + alert + ")";
        };
    }
}
