package io.portcullis.tls;

import io.portcullis.config.ConfigException;

import java.util.Locale;

/** Which part of a client certificate names the gateway user ({@code portcullis.tls.client-cert-user-from}). */
public enum ClientCertUserSource {
    /** The subject's common name, as PostgreSQL's {@code cert} authentication uses it. */
    CN,
    /** An {@code rfc822Name} (e-mail) subjectAltName. */
    SAN_EMAIL,
    /** A {@code dNSName} subjectAltName. */
    SAN_DNS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws ConfigException naming the accepted values */
    public static ClientCertUserSource of(String value) {
        if (value != null) {
            for (ClientCertUserSource source : values()) {
                if (source.wireName().equalsIgnoreCase(value.trim())) {
                    return source;
                }
            }
        }
        throw new ConfigException("portcullis.tls.client-cert-user-from must be one of cn, san-email, san-dns, not '"
                + value + "'");
    }
}
