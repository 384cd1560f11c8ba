package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a client user proves who it is to Portcullis. */
public enum AuthMethod {
    SCRAM_SHA_256, MD5, CERT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static AuthMethod of(String value) {
        return Enums.parse(AuthMethod.class, value, "auth");
    }
}
