package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How the ACME CA is shown that the gateway answers for a name: {@link #HTTP_01} on the HTTP port (RFC 8555 §8.3, the CA
 * asks {@code http://NAME/.well-known/acme-challenge/...} on port 80), or {@link #TLS_ALPN_01} on the wire port (RFC
 * 8737, the CA opens TLS to {@code NAME:443} offering ALPN {@code acme-tls/1}). DNS-01 is not offered.
 */
public enum AcmeChallengeType {
    HTTP_01, TLS_ALPN_01;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static AcmeChallengeType of(String value) {
        return Enums.parse(AcmeChallengeType.class, value, "challengeType");
    }
}
