package io.portcullis.tunnel;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code tunnel} was asked for on its command line.
 *
 * @param listenHost  the local address to listen on ({@code 127.0.0.1} unless told otherwise)
 * @param listenPort  the local port; 0 picks a free one (printed at start)
 * @param url         the gateway's WebSocket URL, {@code wss://} (or {@code ws://} for a gateway on a trusted network)
 * @param caFile      PEM certificates to trust for {@code wss://} instead of the system's, or empty
 * @param bearerToken sent as {@code Authorization: Bearer …} on every upgrade request, or empty
 */
record TunnelOptions(String listenHost, int listenPort, URI url, Optional<Path> caFile, Optional<String> bearerToken) {

    static final String USAGE = "usage: tunnel --url wss://gateway.example.com/v2 [--listen 127.0.0.1:6432]"
            + " [--ca-file ca.pem] [--bearer-token-file token.txt]";

    /** @throws IllegalArgumentException with a message for the user when the arguments are wrong */
    static TunnelOptions parse(List<String> args) {
        String listen = "127.0.0.1:6432";
        String url = null;
        Path caFile = null;
        Path tokenFile = null;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument " + flag);
            }
            String value = args.get(++i);
            switch (flag) {
                case "--listen" -> listen = value;
                case "--url" -> url = value;
                case "--ca-file" -> caFile = Path.of(value);
                case "--bearer-token-file" -> tokenFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URL: " + e.getMessage());
        }
        if (!"wss".equals(uri.getScheme()) && !"ws".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url must be wss://host[:port]/path (or ws:// on a trusted network), not " + url);
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen must be host:port, not " + listen);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen must be host:port, not " + listen);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--listen port must be from 0 to 65535, not " + port);
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("--ca-file " + caFile + " cannot be read");
        }
        if (caFile != null && !"wss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--ca-file applies to wss:// only");
        }
        if (tokenFile != null && !"wss".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("--bearer-token-file needs wss:// (over ws:// the token would cross the "
                    + "network in clear); ws:// is for a gateway on this machine only");
        }
        return new TunnelOptions(host, port, uri, Optional.ofNullable(caFile), Optional.ofNullable(tokenFile).map(TunnelOptions::readToken));
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return bare.equals("localhost") || bare.startsWith("127.") || bare.equals("::1");
    }

    private static String readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("--bearer-token-file " + file + " must hold one token of printable characters");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("--bearer-token-file " + file + " cannot be read: " + e.getMessage());
        }
    }
}
