package io.portcullis.net;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;

import javax.net.ssl.SSLSession;

/**
 * The byte stream of one connection, whatever carries it: a TCP socket ({@link TcpStream}) or the binary
 * messages of a WebSocket ({@link WebSocketStream}). {@link InboundBytes} reads it and {@link OutboundBytes}
 * writes it, so a client session is the same code on either.
 *
 * <p>The connection's context only, but for {@link #autoRead}, which Netty allows from any thread.
 */
public interface ClientStream {

    /** What a stream is carried by, as metrics and the connection log name it. */
    enum Transport {
        TCP, WEBSOCKET;

        /** The lower-case label value. */
        public String label() {
            return this == TCP ? "tcp" : "websocket";
        }
    }

    Transport transport();

    /**
     * Receives every read, in order, as a chunk it owns ({@link OwnedBytes}). Set once, by {@link InboundBytes},
     * before anything is read.
     */
    void readHandler(Handler<Buffer> reads);

    /** Turns reading at the connection off and on: while off, the kernel's buffers fill and the peer stalls. */
    void autoRead(boolean on);

    /** Writes bytes of the gateway's own; the buffer is left as it is (it may be reused). */
    void write(Buffer data);

    /** Writes a chunk that was read off a connection and hands its memory on ({@link OwnedBytes#send}). */
    void send(Buffer chunk);

    /** Whether more than the high water mark waits to be sent. */
    boolean writeQueueFull();

    /** Called once the write queue drained below the low water mark; set once and kept. */
    void drainHandler(Handler<Void> drained);

    /** Closes once what was written is sent (which a peer that never reads never lets happen). */
    void close();

    /** Vert.x's handler in the connection's pipeline: a close from there drops what the peer never read. */
    ChannelHandlerContext handlerContext();

    /** Called once when the connection is gone. */
    void closeHandler(Handler<Void> closed);

    void exceptionHandler(Handler<Throwable> failed);

    /** The client's address: for a WebSocket behind a trusted proxy, the one the proxy forwarded. Null if unknown. */
    SocketAddress remoteAddress();

    SocketAddress localAddress();

    /**
     * The TLS session this connection runs in, or null: for TCP the one negotiated on the socket (after an SSLRequest
     * or a direct ClientHello), for a WebSocket the HTTPS connection's.
     */
    SSLSession tlsSession();

    /**
     * Whether the stream is protected by TLS that was set up before its first byte: a WebSocket over HTTPS, or one
     * that a trusted proxy received over HTTPS. Such a stream cannot start TLS itself and needs none. False for TCP,
     * whose TLS starts inside the stream.
     */
    boolean securedOutside();
}
