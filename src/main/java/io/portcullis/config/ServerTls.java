package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * TLS from Portcullis to a backend, with libpq's {@code sslmode} meanings. QuestDB's open-source build
 * has no TLS (it answers {@code N} to an SSLRequest), hence the default {@link #DISABLE}.
 *
 * <ul>
 *   <li>{@link #DISABLE}: plain TCP, no SSLRequest.</li>
 *   <li>{@link #PREFER}: ask for TLS; carry on in plain text when the backend answers {@code N}.
 *       The certificate is not checked (as in libpq).</li>
 *   <li>{@link #REQUIRE}: TLS or no connection. The certificate is checked only when the database
 *       names a {@code serverCa} (libpq checks it when a root certificate is given).</li>
 *   <li>{@link #VERIFY_CA}: TLS, and the certificate must chain to a trusted CA.</li>
 *   <li>{@link #VERIFY_FULL}: as {@link #VERIFY_CA}, and it must also be issued for the host name the
 *       database connects to.</li>
 * </ul>
 * Stored values from before {@code prefer} and {@code verify-ca} existed ({@code disable}, {@code require},
 * {@code verify-full}) keep their names and meanings.
 */
public enum ServerTls {
    DISABLE, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ServerTls of(String value) {
        return Enums.parse(ServerTls.class, value, "serverTls");
    }

    /** Whether an SSLRequest is sent at all. */
    public boolean requestsTls() {
        return this != DISABLE;
    }

    /** Whether a backend that answers {@code N} is refused. */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** Whether the certificate must chain to a trusted CA whatever else is configured. */
    public boolean verifiesChain() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
