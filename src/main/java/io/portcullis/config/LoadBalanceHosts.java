package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * In which order a database's {@code hosts} are tried for a new server connection, with libpq's
 * {@code load_balance_hosts} meanings: {@link #DISABLE} in the order listed (the first host that works gets
 * every connection; the others are for failover), {@link #RANDOM} in a fresh random order for each new
 * connection (the connections spread over the hosts).
 */
public enum LoadBalanceHosts {
    DISABLE, RANDOM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static LoadBalanceHosts of(String value) {
        return Enums.parse(LoadBalanceHosts.class, value, "loadBalanceHosts");
    }
}
