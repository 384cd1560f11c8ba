package io.portcullis.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;

import javax.net.ssl.SSLSession;

/**
 * A WebSocket whose binary messages carry a client's byte stream, both ways, as the WebSocket drivers of
 * PostgreSQL (Neon's {@code @neondatabase/serverless}, node-postgres over a WebSocket shim) send it: message
 * boundaries mean nothing, every binary or continuation frame's payload is the next bytes of the stream.
 * A text frame is not PostgreSQL: it ends the connection (status 1003).
 *
 * <p>Writes go to the connection as Vert.x's own do (its flush batching, its write queue), one binary frame per
 * write, without a copy: a chunk read off a server connection is handed to Netty, which releases it once sent.
 * Reads are the frames Vert.x has already copied off the network into heap memory, so releasing them costs nothing.
 */
public final class WebSocketStream implements ClientStream {

    /** The name Vert.x's HTTP server gives its idle-timeout handler in a connection's pipeline. */
    static final String HTTP_IDLE_HANDLER = "idle";

    /** RFC 6455's "unsupported data": the endpoint received a type of data it cannot accept. */
    static final short UNSUPPORTED_DATA = 1003;

    private final ServerWebSocket socket;
    private final ConnectionBase connection;
    private final SocketAddress remoteAddress;
    private final boolean securedOutside;

    /**
     * @param connection     the HTTP/1.1 connection the WebSocket was upgraded from ({@code request.connection()}):
     *                       its channel now carries the WebSocket's frames (the {@code ServerWebSocket} a router
     *                       hands out is a wrapper that does not reach it)
     * @param remoteAddress  the client's address: the connection's, or the one a trusted proxy forwarded
     * @param securedOutside whether the request came over HTTPS, directly or through a trusted proxy that says so
     */
    public WebSocketStream(ServerWebSocket socket, HttpConnection connection, SocketAddress remoteAddress,
                           boolean securedOutside) {
        this.socket = socket;
        this.connection = (ConnectionBase) connection;
        this.remoteAddress = remoteAddress;
        this.securedOutside = securedOutside;
        // The HTTP server's idle timeout (quarkus.http.idle-timeout) would cut a quiet session, and without an
        // ErrorResponse: from here on, idleness is the session's to judge (its own timeouts, as over TCP).
        ChannelPipeline pipeline = this.connection.channelHandlerContext().pipeline();
        if (pipeline.get(HTTP_IDLE_HANDLER) != null) {
            pipeline.remove(HTTP_IDLE_HANDLER);
        }
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Override
    public void readHandler(Handler<Buffer> reads) {
        socket.frameHandler(frame -> onFrame(frame, reads));
    }

    private void onFrame(WebSocketFrame frame, Handler<Buffer> reads) {
        if (frame.isBinary() || frame.isContinuation()) {
            Buffer data = frame.binaryData();
            if (data.length() > 0) {
                reads.handle(data);
            }
        } else if (frame.isText()) {
            socket.close(UNSUPPORTED_DATA, "PostgreSQL's protocol travels in binary messages");
        }
        // Ping, pong and close are Vert.x's to answer.
    }

    @Override
    public void autoRead(boolean on) {
        connection.channelHandlerContext().channel().config().setAutoRead(on);
    }

    /** Once closing, nothing more is written: a frame after the close frame breaks RFC 6455. */
    @Override
    public void write(Buffer data) {
        if (!socket.isClosed()) {
            connection.writeToChannel(new BinaryWebSocketFrame(data.getByteBuf()), connection.voidPromise);
        }
    }

    @Override
    public void send(Buffer chunk) {
        if (socket.isClosed()) {
            OwnedBytes.release(chunk);
            return;
        }
        connection.writeToChannel(new BinaryWebSocketFrame(OwnedBytes.unwrap(chunk)), connection.voidPromise);
    }

    /** Read off the channel: Vert.x's own {@code writeQueueFull} throws once the WebSocket is closing. */
    @Override
    public boolean writeQueueFull() {
        return !connection.channelHandlerContext().channel().isWritable();
    }

    @Override
    public void drainHandler(Handler<Void> drained) {
        if (!socket.isClosed()) {
            socket.drainHandler(drained);
        }
    }

    /** Sends a close frame (status 1000), then closes the connection once the client answers or Vert.x's timeout ends. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public ChannelHandlerContext handlerContext() {
        return connection.channelHandlerContext();
    }

    @Override
    public void closeHandler(Handler<Void> closed) {
        socket.closeHandler(closed);
    }

    @Override
    public void exceptionHandler(Handler<Throwable> failed) {
        socket.exceptionHandler(failed);
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public SocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public SSLSession tlsSession() {
        return socket.isSsl() ? socket.sslSession() : null;
    }

    @Override
    public boolean securedOutside() {
        return securedOutside;
    }
}
