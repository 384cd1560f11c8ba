package io.portcullis.net;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one backpressure rule of client writes, on real sockets: a server that answers every read with
 * bytes of its own, and a peer that sends without reading. Once the socket's write queue is full the
 * server stops reading that peer (so the peer's sends block) and tells its listener; once the peer
 * reads, the queue drains, the server reads again and tells the listener.
 */
class OutboundBytesTest {

    /** Answer per read: the server makes 16 times what it is sent. */
    private static final int ANSWER = 16 * 1024;
    private static final int SOCKET_BUFFER = 64 * 1024;

    private Vertx vertx;
    private NetServer server;
    private final CompletableFuture<Served> accepted = new CompletableFuture<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicInteger fulls = new AtomicInteger();
    private final AtomicInteger drains = new AtomicInteger();

    /** What the server side holds for the one connection. */
    record Served(Context context, InboundBytes reads, OutboundBytes writes) {
    }

    @BeforeEach
    void listen() throws Exception {
        vertx = Vertx.vertx();
        // Fixed kernel buffers: no autotuning, so "the peer is blocked" comes soon and at a known size.
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)
                .setReceiveBufferSize(SOCKET_BUFFER).setSendBufferSize(SOCKET_BUFFER));
        server.connectHandler(socket -> {
            Context context = Vertx.currentContext();
            AtomicReference<OutboundBytes> out = new AtomicReference<>();
            TcpStream stream = new TcpStream(socket);
            InboundBytes reads = new InboundBytes(stream, context, chunk -> {
                bytesRead.addAndGet(chunk.length());
                OwnedBytes.release(chunk);
                out.get().write(Buffer.buffer(new byte[ANSWER]));
            });
            OutboundBytes writes = new OutboundBytes(stream, context, reads);
            writes.listener(new OutboundBytes.Listener() {
                @Override
                public void full() {
                    fulls.incrementAndGet();
                }

                @Override
                public void drained() {
                    drains.incrementAndGet();
                }
            });
            out.set(writes);
            accepted.complete(new Served(context, reads, writes));
        });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPeerThatDoesNotReadStopsBeingReadAndIsReadAgainOnceItReads() throws Exception {
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(SOCKET_BUFFER);
            peer.setSendBufferSize(SOCKET_BUFFER);
            peer.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.actualPort()));
            Served served = accepted.get(10, TimeUnit.SECONDS);
            AtomicLong sent = new AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = peer.getOutputStream();
                    byte[] block = new byte[1024];
                    while (sent.get() < 64L << 20) {
                        out.write(block);
                        sent.addAndGet(block.length);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "peer-writer");
            writer.setDaemon(true);
            writer.start();

            long blockedAt = waitUntilStalled(sent);
            assertTrue(blockedAt < 4L << 20, "the peer got " + blockedAt + " bytes through: the server read on");
            assertTrue(onContext(served, () -> served.writes().full()), "the write queue is full");
            assertTrue(served.reads().paused(), "reading stopped");
            assertEquals(1, fulls.get(), "the listener was told once");
            assertEquals(0, drains.get());
            long readWhileBlocked = bytesRead.get();
            Thread.sleep(500);
            assertEquals(readWhileBlocked, bytesRead.get(), "nothing more is read while the queue is full");

            // The peer reads everything the server wrote: the queue drains and the server reads again.
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = peer.getInputStream();
                    byte[] buffer = new byte[64 * 1024];
                    while (in.read(buffer) >= 0) {
                        // discard
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "peer-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && sent.get() < blockedAt + (1L << 20)) {
                Thread.sleep(50);
            }
            assertTrue(sent.get() >= blockedAt + (1L << 20), "the server reads again once the peer reads: "
                    + sent.get() + " bytes sent, blocked at " + blockedAt);
            assertTrue(drains.get() >= 1, "the listener was told of the drain");
            assertTrue(bytesRead.get() > readWhileBlocked, "the server read more");
        }
    }

    private static long waitUntilStalled(AtomicLong sent) throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(2)) {
            Thread.sleep(100);
            long now = sent.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        return last;
    }

    private static <T> T onContext(Served served, java.util.function.Supplier<T> read) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        served.context().runOnContext(v -> result.complete(read.get()));
        return result.get(10, TimeUnit.SECONDS);
    }
}
