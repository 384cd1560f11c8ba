package io.portcullis.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL wire client over a WebSocket to the gateway's {@code /v2}, message by message, for tests that must
 * see what a driver hides: which authentication is asked for, an ErrorResponse's SQLSTATE, how the WebSocket closes.
 * Everything the server sends is collected; {@link #next} takes backend messages off it in order.
 */
public final class WebSocketPgClient implements AutoCloseable {

    /** A backend message: its type byte and body. */
    public record Message(char type, Buffer body) {
        /** The fields of an ErrorResponse or NoticeResponse, by field type. */
        public Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int at = 0;
            while (at < body.length() && body.getByte(at) != 0) {
                char field = (char) body.getByte(at++);
                int end = at;
                while (body.getByte(end) != 0) {
                    end++;
                }
                fields.put(field, body.getString(at, end, StandardCharsets.UTF_8.name()));
                at = end + 1;
            }
            return fields;
        }
    }

    private final Vertx vertx;
    private final WebSocket socket;
    private Buffer received = Buffer.buffer();
    private volatile Short closeStatus;
    private volatile boolean closed;

    private WebSocketPgClient(Vertx vertx, WebSocket socket) {
        this.vertx = vertx;
        this.socket = socket;
        socket.handler(data -> {
            synchronized (this) {
                received.appendBuffer(data);
                notifyAll();
            }
        });
        socket.closeHandler(v -> {
            synchronized (this) {
                closeStatus = socket.closeStatusCode();
                closed = true;
                notifyAll();
            }
        });
    }

    /**
     * Opens {@code ws://127.0.0.1:<httpPort>/v2} with the given request headers.
     *
     * @param localAddress the address to connect from (127.0.0.2 is no trusted proxy in tests), or null
     */
    public static WebSocketPgClient open(int httpPort, Map<String, String> headers, String localAddress) throws Exception {
        return open(httpPort, headers, localAddress, false);
    }

    /**
     * As {@link #open(int, Map, String)}, over {@code wss://} when {@code tls}: the test trusts whatever certificate
     * the gateway shows (what is checked here is the gateway's side).
     */
    public static WebSocketPgClient open(int httpPort, Map<String, String> headers, String localAddress, boolean tls)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(16 << 20);
        if (tls) {
            options.setSsl(true).setTrustAll(true).setVerifyHost(false);
        }
        if (localAddress != null) {
            options.setLocalAddress(localAddress);
        }
        WebSocketClient client = vertx.createWebSocketClient(options);
        WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort).setURI("/v2")
                .setAllowOriginHeader(headers.containsKey("Origin")); // a driver sends none; a page's is the test's own
        headers.forEach(connect::addHeader);
        try {
            return new WebSocketPgClient(vertx, client.connect(connect).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    /**
     * Sends {@code /v2} an upgrade request offering permessage-deflate and deflate-frame, as browsers and many clients
     * do, over a raw socket (what is offered is exactly what is written here), and answers the status line and the
     * {@code Sec-WebSocket-Extensions} the server agreed to ("" for none).
     */
    public static String negotiatedExtensions(int httpPort) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            String status = in.readLine();
            String agreed = "";
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:")) {
                    agreed = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return status + " | " + agreed;
        }
    }

    /** Sends bytes of the stream as one binary message. */
    public WebSocketPgClient send(Buffer data) throws Exception {
        socket.writeBinaryMessage(data).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return this;
    }

    /** Stops reading: what the server sends waits in the network's buffers, as for a client that never reads. */
    public WebSocketPgClient stopReading() {
        socket.pause();
        return this;
    }

    public WebSocketPgClient sendText(String text) throws Exception {
        socket.writeTextMessage(text).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return this;
    }

    /** The next byte the server sent, for the one-byte answer to SSLRequest. */
    public synchronized char nextByte() throws Exception {
        await(1);
        char answer = (char) received.getByte(0);
        received = received.getBuffer(1, received.length());
        return answer;
    }

    /** The next backend message. */
    public synchronized Message next() throws Exception {
        await(5);
        int length = received.getInt(1);
        await(1 + length);
        Message message = new Message((char) received.getByte(0), received.getBuffer(5, 1 + length));
        received = received.getBuffer(1 + length, received.length());
        return message;
    }

    /** The next message of one of these types, skipping others (ParameterStatus, BackendKeyData, notices). */
    public Message nextOf(String types) throws Exception {
        while (true) {
            Message message = next();
            if (types.indexOf(message.type()) >= 0) {
                return message;
            }
        }
    }

    private void await(int bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.length() < bytes) {
            long left = deadline - System.nanoTime();
            if (closed && received.length() < bytes) {
                throw new IllegalStateException("the WebSocket closed (status " + closeStatus + ") with " + received.length() + " bytes unread");
            }
            if (left <= 0) {
                throw new TimeoutException("waited 10 s for " + bytes + " bytes, have " + received.length());
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** How many bytes the server sent that were not taken yet. */
    public synchronized int unread() {
        return received.length();
    }

    /** Waits until the server closed the WebSocket; its close status, or null if it sent none. */
    public synchronized Short awaitClosed() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("the WebSocket is still open after 10 s");
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return closeStatus;
    }

    @Override
    public void close() {
        vertx.close();
    }
}
