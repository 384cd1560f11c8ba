package io.portcullis.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts open client connections per IP address and refuses one beyond the limit
 * ({@code portcullis.listen.max-connections-per-address}). One client, or one scanner, must not be
 * able to take every socket, session slot and TLS engine the gateway has.
 *
 * <p>Memory is bounded by the connections themselves: an address is remembered only while it has an
 * open connection. Thread-safe: connections are accepted and closed on every event loop.
 */
final class ConnectionsPerAddress {

    /** The value of {@code max-connections-per-address} that turns the cap off. */
    static final int UNLIMITED = 0;

    private final int limit;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    /** @param limit connections allowed per address; {@value #UNLIMITED} for no limit */
    ConnectionsPerAddress(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("max-connections-per-address must be 0 (off) or positive, not " + limit);
        }
        this.limit = limit;
    }

    /**
     * Counts a new connection from {@code address} unless that address is at the limit.
     *
     * @param address the client's IP address as text; null (no IP, e.g. a Unix socket) is never limited
     * @return whether the connection may proceed; if so, {@link #closed} must follow exactly once
     */
    boolean tryOpen(String address) {
        if (limit == UNLIMITED || address == null) {
            return true;
        }
        boolean[] admitted = new boolean[1];
        open.compute(address, (a, count) -> {
            int current = count == null ? 0 : count;
            if (current >= limit) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        return admitted[0];
    }

    /** Forgets a connection counted by {@link #tryOpen}. */
    void closed(String address) {
        if (limit == UNLIMITED || address == null) {
            return;
        }
        open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Open connections from {@code address} now. */
    int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }

    /** Addresses with an open connection now. */
    int addresses() {
        return open.size();
    }

    int limit() {
        return limit;
    }
}
