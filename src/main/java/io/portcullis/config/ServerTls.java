package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** TLS from Portcullis to a backend. QuestDB's open-source build has none, hence the default. */
public enum ServerTls {
    DISABLE, REQUIRE, VERIFY_FULL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ServerTls of(String value) {
        return Enums.parse(ServerTls.class, value, "serverTls");
    }
}
