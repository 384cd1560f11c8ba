package io.portcullis.pool;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server connection that closed while nobody was attached (idle in the pool, or between the pool lending it and
 * the session attaching, when the close runs on the connection's event loop and the attach on the session's) must
 * still tell the borrower that attaches to it. Before, the close went only to the sink in place at that moment, so
 * a session that attached a moment later wrote its query into a closed socket and waited forever; in
 * BackendRestartTest a transaction-mode client sometimes never got its error after the backend was killed.
 */
class ServerConnectionCloseTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBorrowerAttachingAfterTheCloseIsToldOfIt() throws Exception {
        CompletableFuture<NetSocket> backendSide = new CompletableFuture<>();
        NetServer backend = vertx.createNetServer().connectHandler(backendSide::complete);
        int port = backend.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        NetSocket socket = vertx.createNetClient().connect(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ServerConnection conn = new ServerConnection(1, socket, vertx.getOrCreateContext(), null, Map.of(), 0, 0);

        backendSide.get(10, TimeUnit.SECONDS).close(); // the backend goes away while no borrower is attached
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!conn.isClosed()) {
            assertTrue(System.nanoTime() < deadline, "the close never reached the connection");
            Thread.sleep(10);
        }

        CountDownLatch told = new CountDownLatch(1);
        conn.attach(new ServerConnection.Sink() {
            @Override
            public void onServerData(Buffer data, boolean endsOnFrameBoundary) {
            }

            @Override
            public void onServerClosed() {
                told.countDown();
            }
        });
        assertTrue(told.await(5, TimeUnit.SECONDS), "the borrower was never told that its connection is closed");
    }
}
