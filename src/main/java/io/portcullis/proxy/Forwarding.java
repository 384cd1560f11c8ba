package io.portcullis.proxy;

import io.portcullis.pool.DatabaseTraffic;
import io.portcullis.pool.Pool;
import io.portcullis.pool.ServerConnection;
import io.portcullis.wire.CloseTarget;
import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * The steady state of a session: bytes flow client ⇄ server as the Buffers they arrived in, with
 * backpressure both ways. Only frame headers are read, to learn what the hand-over needs: the
 * named statements and portals the client creates and closes, whether every Sync/Query has been
 * answered, and the client's Terminate (kept from the server, whose connection goes back to the pool).
 */
final class Forwarding implements ServerConnection.Sink {

    /**
     * Client frame types we look at. Parse/Bind/Close for names; Sync/Query because each earns a
     * ReadyForQuery; Terminate to keep it; the rest only to know something is unsynced.
     */
    private static final String CLIENT_TYPES_READ = "PBCSQXDEHFdcf";
    /** PostgreSQL names are at most 63 bytes; a longer one (or the start of a long Parse) is capped here. */
    private static final int MAX_CAPTURE = 1024;
    private static final int NO_TERMINATE = Integer.MIN_VALUE;

    private final NetSocket client;
    private final Context clientContext;
    private final Pool pool;
    private final ServerConnection server;
    private final Runnable onServerLost;
    private final Runnable onTerminate;
    private final FrameScanner clientFrames = new FrameScanner(CLIENT_TYPES_READ, MAX_CAPTURE, new FrameScanner.Listener() {
        @Override
        public void onFrame(byte type, int startInChunk, Buffer body) {
            onClientFrame(type, startInChunk, body);
        }
    });
    private final long readyBase;

    private long syncsSent;
    private boolean unsynced;
    private boolean untrackable;
    private int terminateAt = NO_TERMINATE;
    private boolean released;
    private final DatabaseTraffic traffic;
    /** Totals for the disconnect log line; touched on the client's event loop only. */
    private long bytesFromClient;
    private long bytesToClient;

    Forwarding(NetSocket client, Context clientContext, Pool pool, ServerConnection server, Runnable onServerLost,
               Runnable onTerminate) {
        this.client = client;
        this.clientContext = clientContext;
        this.pool = pool;
        this.server = server;
        this.onServerLost = onServerLost;
        this.onTerminate = onTerminate;
        this.readyBase = server.readyCount();
        this.traffic = pool.traffic();
        server.attach(this);
    }

    /** Client → server. Runs on the client's event loop. */
    void fromClient(Buffer chunk) {
        if (released) {
            return;
        }
        terminateAt = NO_TERMINATE;
        bytesFromClient += chunk.length();
        traffic.receivedFromClient(chunk.length());
        clientFrames.scan(chunk);
        if (terminateAt != NO_TERMINATE) {
            if (terminateAt > 0) {
                server.write(chunk.slice(0, terminateAt));
            } else if (terminateAt < 0) {
                untrackable = true; // part of the Terminate already went to the server
            }
            onTerminate.run();
            return;
        }
        server.write(chunk);
        if (server.writeQueueFull()) {
            client.pause();
            server.drainHandler(v -> client.resume());
        }
    }

    /** Body may be only the first {@link #MAX_CAPTURE} bytes: names are read from its start. */
    private void onClientFrame(byte type, int startInChunk, Buffer body) {
        switch (type) {
            case MessageTypes.PARSE -> track(body, true);
            case MessageTypes.BIND -> track(body, false);
            case MessageTypes.CLOSE -> {
                unsynced = true;
                try {
                    CloseTarget target = MessageReader.closeTarget(body);
                    (target.isStatement() ? server.statements() : server.portals()).remove(target.name());
                } catch (ProtocolViolation e) {
                    untrackable = true; // the backend will refuse it too; we just cannot vouch for the connection
                }
            }
            case MessageTypes.SYNC -> {
                syncsSent++;
                unsynced = false;
                traffic.query();
            }
            case MessageTypes.QUERY -> {
                syncsSent++;
                traffic.query();
            }
            case MessageTypes.TERMINATE -> terminateAt = startInChunk;
            default -> unsynced = true;
        }
    }

    /** A name we could not read (longer than the capture) makes the connection unfit to reuse. */
    private void track(Buffer body, boolean statement) {
        unsynced = true;
        try {
            String name = statement ? MessageReader.parseStatementName(body) : MessageReader.bindNames(body).portal();
            if (!name.isEmpty()) {
                (statement ? server.statements() : server.portals()).add(name);
            }
        } catch (ProtocolViolation e) {
            untrackable = true;
        }
    }

    /** Server → client. Called on the server connection's event loop; hops to ours when they differ. */
    @Override
    public void onServerData(Buffer data) {
        if (Vertx.currentContext() == clientContext) {
            toClient(data);
        } else {
            clientContext.runOnContext(v -> toClient(data));
        }
    }

    private void toClient(Buffer data) {
        if (released) {
            return;
        }
        bytesToClient += data.length();
        traffic.sentToClient(data.length());
        client.write(data);
        if (client.writeQueueFull()) {
            server.pause();
            client.drainHandler(v -> server.resume());
        }
    }

    /** Every ReadyForQuery 'I' a borrower gets ends a transaction, explicit or autocommit (PgBouncer counts the same). */
    @Override
    public void onReadyForQuery(byte transactionStatus) {
        if (transactionStatus == MessageTypes.TX_IDLE) {
            traffic.transaction();
        }
    }

    long bytesFromClient() {
        return bytesFromClient;
    }

    long bytesToClient() {
        return bytesToClient;
    }

    @Override
    public void onServerClosed() {
        clientContext.runOnContext(v -> {
            if (!released) {
                released = true;
                pool.discard(server);
                onServerLost.run();
            }
        });
    }

    /**
     * Gives the server connection back. It is reusable only when the client left between
     * transactions with every request answered; otherwise the pool closes it.
     */
    void release() {
        if (released) {
            return;
        }
        released = true;
        client.drainHandler(null);
        server.drainHandler(null);
        server.resume();
        boolean clean = !untrackable && !unsynced
                && server.readyCount() - readyBase == syncsSent
                && server.transactionStatus() == MessageTypes.TX_IDLE
                && clientFrames.atFrameBoundary();
        pool.release(server, clean);
    }

    /** Forwards a cancel to the backend with the backend's own key, on a connection of its own. */
    void cancel(NetClient cancelClient) {
        if (released) {
            return;
        }
        Buffer request = FrontendMessages.cancelRequest(server.backendProcessId(), server.backendSecretKey());
        cancelClient.connect(server.config().port(), server.config().host()).onSuccess(socket ->
                socket.write(request).onComplete(v -> socket.close()));
    }
}
