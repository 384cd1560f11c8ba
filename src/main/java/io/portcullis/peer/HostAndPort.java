package io.portcullis.peer;

/** Where a replica's peer listener is, as published in the registry: {@code host:port}, IPv6 hosts in brackets. */
record HostAndPort(String host, int port) {

    /** @throws IllegalArgumentException when {@code address} is not {@code host:port} with a port from 1 to 65535 */
    static HostAndPort parse(String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("not host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port");
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("not host:port");
        }
        return new HostAndPort(host, port);
    }

    /** The published form. */
    static String format(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
