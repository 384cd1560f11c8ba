package io.portcullis.config;

import java.util.Locale;

/**
 * One backend address of a database: a host (DNS name or IP address) and a port. Written {@code host:port},
 * an IPv6 address in brackets ({@code [::1]:5432}), as in a {@code hosts} list.
 */
public record BackendHost(String host, int port) {

    /**
     * Parses one {@code hosts} entry: {@code host:port}, {@code [ipv6]:port}, or a bare host (or bare IPv6
     * address) that takes {@code defaultPort}.
     *
     * @param defaultPort the port of an entry without one, or null when every entry must name its port
     * @throws ConfigException saying what is wrong with the entry
     */
    public static BackendHost parse(String entry, Integer defaultPort) {
        if (entry == null || entry.isBlank()) {
            throw new ConfigException("a hosts entry is empty");
        }
        String text = entry.trim();
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new ConfigException("hosts entry '" + entry + "' opens '[' without closing it");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new ConfigException("hosts entry '" + entry + "': expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && colon == text.lastIndexOf(':')) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            } else {
                host = text; // no colon, or a bare IPv6 address
            }
        }
        if (host.isEmpty()) {
            throw new ConfigException("hosts entry '" + entry + "' has no host");
        }
        int number;
        if (port == null) {
            if (defaultPort == null) {
                throw new ConfigException("hosts entry '" + entry + "' has no port: write host:port, or send port for "
                        + "the entries without one");
            }
            number = defaultPort;
        } else {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new ConfigException("hosts entry '" + entry + "': the port must be a number between 1 and 65535");
            }
        }
        if (number < 1 || number > 65_535) {
            throw new ConfigException("hosts entry '" + entry + "': the port must be between 1 and 65535, not " + number);
        }
        return new BackendHost(host, number);
    }

    /** Case-insensitive on the host (DNS names are), for duplicate checks. */
    boolean sameAs(BackendHost other) {
        return port == other.port && host.toLowerCase(Locale.ROOT).equals(other.host.toLowerCase(Locale.ROOT));
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
