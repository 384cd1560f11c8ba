package io.portcullis.tls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portcullis.config.ConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the gateway treats TLS from clients; the values and meanings of PgBouncer's
 * {@code client_tls_sslmode}, spelled the same on the API ({@code "verify-full"}).
 */
public enum ClientTlsMode {
    /** Plain TCP only. An SSLRequest is answered {@code N}; a direct TLS ClientHello is refused. */
    DISABLE,
    /** TLS if the client asks for it, plain TCP otherwise. A client certificate is not checked. */
    ALLOW,
    /** The same as {@link #ALLOW} on the server side (the difference in libpq is client-side). */
    PREFER,
    /** The client must use TLS; a plain-text startup is refused. A client certificate is not checked. */
    REQUIRE,
    /** The client must use TLS and present a certificate that chains to the configured client CA. */
    VERIFY_CA,
    /**
     * As {@link #VERIFY_CA}. PgBouncer gives it the same meaning on the server side: there is no
     * client host name to check, and mapping the certificate to a user is the job of {@code cert}
     * authentication.
     */
    VERIFY_FULL;

    /** Whether an SSLRequest or a direct TLS ClientHello is accepted. */
    public boolean acceptsTls() {
        return this != DISABLE;
    }

    /** Whether a client that stays in plain text must be refused (SQLSTATE 28000). */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** Whether the TLS handshake must demand a client certificate verified against the client CA. */
    public boolean requiresClientCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** The API and configuration spelling: lower case, dashes ({@code verify-full}). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code "verify-full"}, {@code "VERIFY_FULL"} and the like.
     *
     * @throws ConfigException naming the accepted values
     */
    public static ClientTlsMode parse(String value) {
        return of(value);
    }

    /** The same as {@link #parse}, under the name the {@code config} enums use for Jackson. */
    @JsonCreator
    public static ClientTlsMode of(String value) {
        if (value != null) {
            String constant = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (ClientTlsMode mode : values()) {
                if (mode.name().equals(constant)) {
                    return mode;
                }
            }
        }
        String allowed = Arrays.stream(values()).map(ClientTlsMode::wireName).collect(Collectors.joining(", "));
        throw new ConfigException("TLS mode must be one of " + allowed + ", not '" + value + "'");
    }
}
