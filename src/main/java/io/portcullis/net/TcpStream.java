package io.portcullis.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;

import javax.net.ssl.SSLSession;

/**
 * A TCP socket as a {@link ClientStream}: reads straight off Netty (no copy, see {@link InboundBytes}), writes
 * through Vert.x's {@code NetSocket}, whose socket it lends for what only TCP has (starting TLS).
 */
public final class TcpStream implements ClientStream {

    private final NetSocket socket;
    private final NetSocketInternal internal;

    public TcpStream(NetSocket socket) {
        this.socket = socket;
        this.internal = (NetSocketInternal) socket;
    }

    /** The socket, for starting TLS on it. */
    public NetSocket socket() {
        return socket;
    }

    @Override
    public Transport transport() {
        return Transport.TCP;
    }

    @Override
    public void readHandler(Handler<Buffer> reads) {
        internal.messageHandler(message -> {
            if (message instanceof ByteBuf buf) {
                reads.handle(Buffer.buffer(buf));
            } else {
                ReferenceCountUtil.release(message);
            }
        });
    }

    @Override
    public void autoRead(boolean on) {
        internal.channelHandlerContext().channel().config().setAutoRead(on);
    }

    @Override
    public void write(Buffer data) {
        socket.write(data, null);
    }

    @Override
    public void send(Buffer chunk) {
        OwnedBytes.send(socket, chunk);
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> drained) {
        socket.drainHandler(drained);
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public ChannelHandlerContext handlerContext() {
        return internal.channelHandlerContext();
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
        return socket.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return socket.localAddress();
    }

    /**
     * Read from the pipeline's {@link SslHandler}, which is there from the upgrade after an SSLRequest (or a direct
     * ClientHello) on: what Vert.x's {@code NetSocket} knows of TLS is fixed when the socket is created, in clear.
     */
    @Override
    public SSLSession tlsSession() {
        SslHandler handler = internal.channelHandlerContext().pipeline().get(SslHandler.class);
        return handler == null ? null : handler.engine().getSession();
    }

    @Override
    public boolean securedOutside() {
        return false;
    }
}
