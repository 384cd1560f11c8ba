package io.portcullis.proxy;

import io.portcullis.config.PoolMode;
import io.portcullis.net.InboundBytes;
import io.portcullis.net.OutboundBytes;
import io.portcullis.net.OwnedBytes;
import io.portcullis.pool.BackendUnavailable;
import io.portcullis.pool.DatabaseTraffic;
import io.portcullis.pool.Pool;
import io.portcullis.pool.ServerConnection;
import io.portcullis.pool.SessionLender;
import io.portcullis.prepared.StatementMapping;
import io.portcullis.wire.CloseTarget;
import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SqlState;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The steady state of a session: bytes flow client ⇄ server as the buffers Netty read them into
 * (not copied unless the statement mapping rewrites them, see {@link InboundBytes}; each chunk is sent on
 * once or released), with
 * backpressure both ways: a full server write queue stops the client's reads; a full client write queue
 * ({@link OutboundBytes}, the rule every client write obeys) stops the client's reads and the server
 * connection's. Only frame headers are read, to learn what the hand-over needs: the
 * named statements and portals the client creates and closes, whether every Sync/Query has been
 * answered, and the client's Terminate (kept from the server, whose connection goes back to the pool).
 *
 * <p>In session mode the server connection stays for the whole session. In transaction and statement
 * mode it goes back to the pool at every ReadyForQuery that finds the server idle with nothing in
 * flight, and the next client bytes borrow one again (the hold on a server connection, with the data
 * valid in each of its states, is a {@link ServerLink}; the diagram is there); while borrowing, the client socket is paused
 * and what already arrived waits in a short queue. There, named prepared statements are mapped to
 * names of the gateway's own, prepared on whichever server connection the client gets
 * ({@link StatementMapping}), unless {@code max-prepared-statements} is 0. The answers the mapping gives
 * itself are client writes like any other; those it owes behind a backend answer still to come are
 * bounded too: past {@link StatementMapping#owesTooMuch()} the client's reads stop until the backend has
 * answered.
 */
final class Forwarding implements ServerConnection.Sink {

    /** Reports how the session must end; the session owns the socket and the error text. */
    interface Ending {
        void terminated();

        void failed(SqlState state, String message);

        /** The session is between transactions with nothing in flight. */
        void betweenTransactions();
    }

    /** What the session is doing, as its timeouts see it ({@link SessionTimeouts}). */
    enum Phase {
        /** Between transactions, nothing in flight: the client's turn. */
        IDLE,
        /** Inside a transaction (or a half-sent extended-protocol exchange), nothing in flight: the client's turn. */
        IN_TRANSACTION,
        /** A Query or Sync is not answered yet: the backend's turn. */
        RUNNING,
        /** Waiting for a server connection from the pool, which has its own timeout. */
        WAITING,
        ENDED
    }

    /**
     * Client frame types we look at. Parse/Bind/Close for names; Sync/Query because each earns a
     * ReadyForQuery; Terminate to keep it; the rest only to know something is unsynced.
     */
    private static final FrameTypes CLIENT_TYPES_READ = FrameTypes.of(MessageTypes.PARSE, MessageTypes.BIND,
            MessageTypes.CLOSE, MessageTypes.SYNC, MessageTypes.QUERY, MessageTypes.TERMINATE, MessageTypes.DESCRIBE,
            MessageTypes.EXECUTE, MessageTypes.FLUSH, MessageTypes.FUNCTION_CALL, MessageTypes.COPY_DATA,
            MessageTypes.COPY_DONE, MessageTypes.COPY_FAIL);
    /** PostgreSQL names are at most 63 bytes; a longer one (or the start of a long Parse) is capped here. */
    private static final int MAX_CAPTURE = 1024;
    private static final int NO_TERMINATE = Integer.MIN_VALUE;

    private final OutboundBytes client;
    private final InboundBytes clientReads;
    private final Context clientContext;
    private final Pool pool;
    private final SessionLender lender;
    private final PoolMode mode;
    private final Ending ending;
    /** What the hand-over needs from each client frame ({@link #onClientFrame}), from whichever scan reads them. */
    private final FrameScanner.Listener clientFrameListener = new FrameScanner.Listener() {
        @Override
        public void onFrame(byte type, int startInChunk, Buffer body) {
            onClientFrame(type, startInChunk, body);
        }
    };
    /**
     * Named statements in transaction and statement mode; null in session mode or when turned off. When
     * set, its scan of the client's stream is the only one: it hands each frame to {@link #onClientFrame}.
     */
    private final StatementMapping mapping;
    /** The scan of the client's stream when there is no mapping to do it; null with a mapping. */
    private final FrameScanner clientFrames;
    /** Client bytes that arrived while no server connection was attached; owned until sent or released. */
    private final Deque<Buffer> waiting = new ArrayDeque<>();

    /**
     * The hold on a server connection: {@link #attached}, {@link #borrowing}, or one of the empty states
     * (see {@link ServerLink}). Volatile: SHOW CLIENTS reads it.
     */
    private volatile ServerLink link;
    /** The Attached state, one for the session (see {@link ServerLink} for why it is reused). */
    private final ServerLink.Attached attached = new ServerLink.Attached();
    /** The Borrowing state, one for the session. */
    private final ServerLink.Borrowing borrowing = new ServerLink.Borrowing();
    /** Where a Terminate starts in the chunk being scanned; a scratch value of one scan. */
    private int terminateAt = NO_TERMINATE;
    /** Whether the client's reads are paused because the mapping owes too many answers. */
    private boolean owingPaused;
    /** The server connection's drain handler; one for the session, not one per pause. */
    private final Handler<Void> serverDrained;
    /** Stops and restarts the server connection's reads as the client's write queue fills and drains. */
    private final OutboundBytes.Listener clientQueue = new OutboundBytes.Listener() {
        @Override
        public void full() {
            pauseServerForClient();
        }

        @Override
        public void drained() {
            if (link == attached && attached.pausedForClient) {
                attached.pausedForClient = false;
                attached.server.resume();
            }
        }
    };
    private final DatabaseTraffic traffic;
    private final RequestTiming timing;
    /** Totals for the disconnect log line; touched on the client's event loop only. */
    private long bytesFromClient;
    private long bytesToClient;
    /** Whether what the client received so far ends between two messages (so we may add our own). */
    private boolean clientAtFrameBoundary = true;
    /** When client bytes last arrived or backend bytes last reached the client ({@link System#nanoTime()}). */
    private long lastActivityNanos = System.nanoTime();
    /** When the oldest request still unanswered went out; meaningful in {@link Phase#RUNNING} only. */
    private long requestSinceNanos;
    /**
     * {@link System#nanoTime()} when the client bytes being scanned go to the server: read once per read (or
     * once per batch of bytes that waited for a borrow), for the request clock of every Query and Sync in it.
     */
    private long sendingNanos;

    Forwarding(OutboundBytes client, InboundBytes clientReads, Context clientContext, SessionLender lender, PoolMode mode, ServerConnection server,
               Ending ending) {
        this.client = client;
        this.clientReads = clientReads;
        this.serverDrained = v -> clientReads.resume(InboundBytes.PEER_WRITES_FULL);
        this.clientContext = clientContext;
        this.pool = lender.pool();
        this.lender = lender;
        this.mode = mode == null ? PoolMode.SESSION : mode;
        this.ending = ending;
        this.traffic = pool.traffic();
        this.timing = new RequestTiming(traffic);
        int maxPrepared = pool.maxPreparedStatements();
        this.mapping = this.mode != PoolMode.SESSION && maxPrepared > 0
                ? new StatementMapping(maxPrepared, clientFrameListener) : null;
        this.clientFrames = mapping == null ? new FrameScanner(CLIENT_TYPES_READ, MAX_CAPTURE, clientFrameListener) : null;
        client.listener(clientQueue);
        link = ServerLink.Attached.first(attached, server); // borrowed by the session while it was connecting
        attached(server);
        returnIfBetweenTransactions();
    }

    /** The link is Attached to {@code conn} now: its statements, its answers and backpressure are the session's. */
    private void attached(ServerConnection conn) {
        if (mapping != null) {
            // On our event loop, the mapping's scan of the backend's stream serves the connection too (scansFor).
            mapping.attach(conn.preparedStatements(mapping.capacity()),
                    conn.context() == clientContext ? conn.frameReader() : null, ServerConnection.MAX_PARAMETER_BODY);
        }
        conn.attach(this);
        if (client.full()) {
            pauseServerForClient(); // its answers would only add to what the client has not taken
        }
    }

    private void pauseServerForClient() {
        if (link == attached && !attached.pausedForClient) {
            attached.pausedForClient = true;
            attached.server.pause();
        }
    }

    /** Client → server; takes the chunk ({@link OwnedBytes}). Runs on the client's event loop. */
    void fromClient(Buffer chunk) {
        ServerLink current = link;
        if (current == ServerLink.ENDED) {
            OwnedBytes.release(chunk);
            return;
        }
        long now = System.nanoTime();
        lastActivityNanos = now;
        bytesFromClient += chunk.length();
        traffic.receivedFromClient(chunk.length());
        if (current != attached) {
            if (leavesBetweenTransactions(chunk)) {
                OwnedBytes.release(chunk);
                ending.terminated();
                return;
            }
            waiting.addLast(chunk);
            borrow();
            return;
        }
        toServer(chunk, now);
    }

    /**
     * A Terminate with nothing before it, while no server connection is held: the client leaves between
     * transactions. Borrowing a connection only to see the Terminate would make a leaving client wait
     * for a free one, and the release at session end resets it ({@code DISCARD ALL} on PostgreSQL
     * drops the statements prepared there for every client).
     */
    private boolean leavesBetweenTransactions(Buffer chunk) {
        return waiting.isEmpty() && link == ServerLink.DETACHED && clientAtFrameBoundaryInbound()
                && chunk.length() >= MessageTypes.HEADER_LENGTH && chunk.getByte(0) == MessageTypes.TERMINATE;
    }

    /** Whether the client's bytes so far end between two messages, by whichever scan reads them. */
    private boolean clientAtFrameBoundaryInbound() {
        return mapping == null ? clientFrames.atFrameBoundary() : mapping.clientAtFrameBoundary();
    }

    /** @param now {@link System#nanoTime()} as the bytes go: the request clock of a Query or Sync in them */
    private void toServer(Buffer chunk, long now) {
        terminateAt = NO_TERMINATE;
        sendingNanos = now;
        if (mapping != null) {
            toServerMapped(chunk);
            return;
        }
        try {
            clientFrames.scan(chunk);
        } catch (RuntimeException e) {
            OwnedBytes.release(chunk);
            throw e;
        }
        if (terminateAt != NO_TERMINATE) {
            if (terminateAt > 0) {
                attached.server.send(chunk.slice(0, terminateAt)); // sending the slice uses up the chunk
            } else {
                OwnedBytes.release(chunk);
                if (terminateAt < 0) {
                    attached.untrackable = true; // part of the Terminate already went to the server
                }
            }
            ending.terminated();
            return;
        }
        attached.server.send(chunk);
        afterSend();
    }

    /**
     * Client bytes through the statement mapping, scanned once: the mapping's scan reports each frame to
     * {@link #onClientFrame} as it rewrites, and stops forwarding at a Terminate. The mapping keeps pieces
     * of what it is given between reads, so it gets a heap copy (the cost every read had before reads
     * came uncopied).
     */
    private void toServerMapped(Buffer chunk) {
        Buffer renamed = mapping.toServer(OwnedBytes.copyAndRelease(chunk));
        if (renamed.length() > 0) {
            attached.server.write(renamed);
        }
        Buffer answers = mapping.answersDue();
        if (answers != null) {
            bytesToClient += answers.length();
            traffic.sentToClient(answers.length());
            client.write(answers);
        }
        if (terminateAt != NO_TERMINATE) {
            if (terminateAt < 0) {
                attached.untrackable = true; // part of the Terminate came in an earlier read; as without the mapping
            }
            ending.terminated();
            return;
        }
        afterSend();
    }

    /** Backpressure and the mapping's debt after client bytes went to the server. */
    private void afterSend() {
        ServerConnection server = attached.server;
        if (server.writeQueueFull()) {
            clientReads.pause(InboundBytes.PEER_WRITES_FULL);
            if (!attached.drainHandlerSet) {
                attached.drainHandlerSet = true;
                server.drainHandler(serverDrained); // kept until detach
            }
            if (!server.writeQueueFull()) {
                // It drained on its own event loop between the check and the pause: nobody else will resume.
                clientReads.resume(InboundBytes.PEER_WRITES_FULL);
            }
        }
        if (mapping != null && !owingPaused && mapping.owesTooMuch() && mapping.sentEndsBetweenMessages()) {
            owingPaused = true;
            clientReads.pause(InboundBytes.ANSWERS_OWED);
            server.write(FrontendMessages.flush()); // see StatementMapping.owesTooMuch
        }
    }

    /** Borrows a server connection for the bytes waiting; the client is paused until one is attached. */
    private void borrow() {
        if (!(link instanceof ServerLink.Detached detached)) {
            return; // already borrowing
        }
        link = detached.toBorrowing(borrowing, System.nanoTime());
        clientReads.pause();
        lender.acquire().onComplete(ar -> {
            if (link != borrowing) { // the session ended meanwhile
                if (ar.succeeded()) {
                    lender.giveBack(ar.result(), true);
                }
                return;
            }
            if (ar.failed()) {
                link = borrowing.failed();
                Throwable cause = ar.cause();
                ending.failed(cause instanceof BackendUnavailable u ? u.sqlState() : SqlState.CONNECTION_FAILURE,
                        cause.getMessage());
                return;
            }
            link = borrowing.toAttached(attached, ar.result());
            attached(ar.result());
            long now = System.nanoTime(); // the wait for a connection is in no request's time
            while (!waiting.isEmpty() && link == attached) {
                toServer(waiting.pollFirst(), now);
            }
            clientReads.resume();
        });
    }

    /** Body may be only the first {@link #MAX_CAPTURE} bytes: names are read from its start. */
    private void onClientFrame(byte type, int startInChunk, Buffer body) {
        switch (type) {
            case MessageTypes.PARSE -> track(body, true);
            case MessageTypes.BIND -> track(body, false);
            case MessageTypes.CLOSE -> {
                attached.unsynced = true;
                try {
                    CloseTarget target = MessageReader.closeTarget(body);
                    ServerConnection server = attached.server;
                    (target.isStatement() ? server.statements() : server.portals()).remove(target.name());
                } catch (ProtocolViolation e) {
                    attached.untrackable = true; // the backend will refuse it too; we just cannot vouch for the connection
                }
            }
            case MessageTypes.SYNC -> {
                startRequestClock();
                timing.requestSent(!attached.requestOutstanding(), sendingNanos);
                attached.syncsSent++;
                attached.unsynced = false;
                traffic.query();
            }
            case MessageTypes.QUERY -> {
                startRequestClock();
                timing.requestSent(!attached.requestOutstanding(), sendingNanos);
                attached.syncsSent++;
                traffic.query();
            }
            case MessageTypes.TERMINATE -> terminateAt = startInChunk;
            case MessageTypes.PASSWORD -> {
                // Only the mapping's scan reports it (it follows every frontend type); it earns no answer.
            }
            default -> attached.unsynced = true;
        }
    }

    /** A name we could not read (longer than the capture) makes the connection unfit to reuse. */
    private void track(Buffer body, boolean statement) {
        attached.unsynced = true;
        if (statement && mapping != null) {
            return; // the backend only ever sees the mapping's names, which stay with the connection
        }
        try {
            String name = statement ? MessageReader.parseStatementName(body) : MessageReader.bindNames(body).portal();
            if (!name.isEmpty()) {
                ServerConnection server = attached.server;
                (statement ? server.statements() : server.portals()).add(name);
            }
        } catch (ProtocolViolation e) {
            attached.untrackable = true;
        }
    }

    /** Forwarding sends what the backend sent on, or releases it. */
    @Override
    public boolean takesData() {
        return true;
    }

    /** Server → client. Called on the server connection's event loop; hops to ours when they differ. */
    @Override
    public void onServerData(Buffer data, boolean endsOnFrameBoundary) {
        ServerConnection from = attached.server; // null once detached
        long ready = from == null ? 0 : from.readyCount();
        byte status = from == null ? MessageTypes.TX_IDLE : from.transactionStatus();
        if (Vertx.currentContext() == clientContext) {
            toClient(data, false, endsOnFrameBoundary, from, ready, status);
        } else {
            clientContext.runOnContext(v -> toClient(data, false, endsOnFrameBoundary, from, ready, status));
        }
    }

    /**
     * With the statement mapping on and the server connection on our own event loop, the mapping's scan of
     * the backend's stream is the only one: it hands the connection its ReadyForQuery and ParameterStatus
     * frames as it rewrites (see {@link ServerConnection#frameReader()}), so the connection scans nothing.
     */
    @Override
    public boolean scansFor(ServerConnection conn) {
        return mapping != null && conn.context() == clientContext && conn == attached.server;
    }

    /** Server → client when {@link #scansFor} said so; on our event loop. */
    @Override
    public void onUnscannedData(Buffer data) {
        ServerConnection from = attached.server;
        if (link == ServerLink.ENDED || from == null) {
            OwnedBytes.release(data);
            return;
        }
        // The scan is the mapping's: the connection's counts are known only once it has run.
        Buffer rewritten = mapping.toClient(OwnedBytes.copyAndRelease(data)); // it may keep pieces, see send
        toClient(rewritten, true, mapping.serverAtFrameBoundary(), from, from.readyCount(), from.transactionStatus());
    }

    /** @param rewritten whether {@code data} already went through the mapping ({@link #onUnscannedData}) */
    private void toClient(Buffer data, boolean rewritten, boolean endsOnFrameBoundary, ServerConnection from, long ready,
                          byte status) {
        if (link == ServerLink.ENDED) {
            OwnedBytes.release(data);
            return;
        }
        long now = System.nanoTime();
        lastActivityNanos = now;
        boolean mapped = rewritten;
        if (from != null && from == attached.server) {
            if (ready != attached.deliveredReady) {
                requestSinceNanos = now; // a request was answered: the next one's clock starts
            }
            long answers = ready - attached.deliveredReady;
            attached.deliveredReady = ready;
            attached.deliveredStatus = status;
            if (mapping != null) {
                if (!mapped) {
                    data = mapping.toClient(OwnedBytes.copyAndRelease(data)); // it may keep pieces, see send
                    mapped = true;
                }
                if (owingPaused && !mapping.owesTooMuch()) {
                    owingPaused = false;
                    clientReads.resume(InboundBytes.ANSWERS_OWED);
                }
            }
            if (answers > 0) {
                timing.answered(answers, status == MessageTypes.TX_IDLE, attached.requestOutstanding(), now);
            }
        }
        int length = data.length(); // read before sending: Netty may free the memory once written
        bytesToClient += length;
        traffic.sentToClient(length);
        if (mapped) {
            if (length > 0) {
                // The mapping's own buffers may be reused: written the usual way, which leaves them as they are.
                client.write(data);
            }
        } else if (length > 0) {
            client.send(data);
        } else {
            OwnedBytes.release(data);
        }
        clientAtFrameBoundary = endsOnFrameBoundary;
        if (link != attached) {
            return;
        }
        returnIfBetweenTransactions();
        if (idle()) {
            ending.betweenTransactions();
        }
    }

    /** Whether the client may be sent a message of the gateway's own without breaking its framing. */
    boolean clientAtFrameBoundary() {
        return clientAtFrameBoundary;
    }

    /** Whether everything sent has been answered and the server is outside any transaction. */
    private boolean quiet() {
        return !attached.untrackable && !attached.unsynced && attached.allAnswered()
                && (mapping == null ? clientFrames.atFrameBoundary()
                        : mapping.quiet() && mapping.serverAtFrameBoundary()); // where the next borrower's scan starts
    }

    private void returnIfBetweenTransactions() {
        if (mode == PoolMode.SESSION || link != attached || !quiet()) {
            return;
        }
        if (attached.deliveredStatus != MessageTypes.TX_IDLE) {
            if (mode == PoolMode.STATEMENT) {
                ending.failed(SqlState.FEATURE_NOT_SUPPORTED,
                        "transaction blocks are not allowed: database uses statement pooling");
            }
            return;
        }
        ServerConnection conn = detach();
        link = attached.toDetached();
        lender.giveBackBetweenTransactions(conn);
    }

    /** Lets go of the attached connection's handlers; the caller sets the link and gives it back through the lender. */
    private ServerConnection detach() {
        ServerConnection conn = attached.detach();
        // Cleared only when set: NetSocket.drainHandler schedules a task on every call.
        if (attached.drainHandlerSet) {
            attached.drainHandlerSet = false;
            conn.drainHandler(null);
            clientReads.resume(InboundBytes.PEER_WRITES_FULL); // that queue is no longer ours to wait for
        }
        if (attached.pausedForClient) {
            attached.pausedForClient = false;
            conn.resume(); // the next borrower must find it reading
        }
        return conn;
    }

    /**
     * Every ReadyForQuery 'I' a borrower gets ends a transaction, explicit or autocommit (PgBouncer
     * counts the same). Called on the server connection's event loop.
     */
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
            if (link == attached) {
                ServerConnection lost = detach();
                link = attached.toDetached();
                lender.giveBackLost(lost);
                ending.failed(SqlState.CONNECTION_FAILURE, "the server connection of database \"" + pool.database()
                        + "\" was lost");
            }
        });
    }

    /**
     * Ends forwarding and gives the server connection back. It is reusable only when the client left
     * between transactions with every request answered; otherwise the pool closes it.
     */
    void release() {
        ServerLink was = link;
        if (was == ServerLink.ENDED) {
            return;
        }
        link = ServerLink.ENDED;
        while (!waiting.isEmpty()) {
            OwnedBytes.release(waiting.pollFirst());
        }
        if (was == attached) {
            boolean clean = quiet() && attached.deliveredStatus == MessageTypes.TX_IDLE;
            lender.giveBack(detach(), clean);
        }
    }

    /** Forwards a cancel to the backend with the backend's own key, on a connection of its own. */
    void cancel(NetClient cancelClient) {
        ServerConnection target = attached.server;
        if (link == ServerLink.ENDED || target == null) {
            return;
        }
        Buffer request = FrontendMessages.cancelRequest(target.backendProcessId(), target.backendSecretKey());
        cancelClient.connect(target.port(), target.host()).onSuccess(socket ->
                socket.write(request).onComplete(v -> socket.close()));
    }

    /** The server connection attached now, for SHOW CLIENTS; -1 between transactions. Any thread. */
    long serverId() {
        ServerConnection now = attached.server;
        return now == null ? -1 : now.id();
    }

    /** The context of the server connection attached now, or null between transactions; any thread (for tests). */
    Context serverContext() {
        ServerConnection now = attached.server;
        return now == null ? null : now.context();
    }

    /** Whether the session waits for a server connection (borrowing); any thread. */
    boolean waitingForServer() {
        return link == borrowing;
    }

    /** {@link System#nanoTime()} when the current (or last) borrow started. */
    long borrowStartNanos() {
        return borrowing.sinceNanos;
    }

    /** {@link System#nanoTime()} of the latest request sent with nothing outstanding, 0 before any. */
    long lastRequestNanos() {
        return timing.lastRequestNanos();
    }

    /**
     * Waiting for a server connection of a paused database: nothing of the next transaction has reached
     * a backend, so a drain may end the session at once instead of waiting for a RESUME.
     */
    boolean waitingOnPausedPool() {
        return link == borrowing && pool.view().paused();
    }

    /** True when the session holds no server connection and nothing is in flight: safe to end cleanly. */
    boolean idle() {
        ServerLink now = link;
        if (now == attached) {
            return quiet() && attached.deliveredStatus == MessageTypes.TX_IDLE;
        }
        return now == ServerLink.DETACHED && waiting.isEmpty();
    }

    /** Called before a Query or Sync is counted: the first one unanswered starts the request clock. */
    private void startRequestClock() {
        if (attached.allAnswered()) {
            requestSinceNanos = sendingNanos;
        }
    }

    /** What the session is doing now. */
    Phase phase() {
        ServerLink now = link;
        if (now == ServerLink.ENDED) {
            return Phase.ENDED;
        }
        if (now != attached) {
            return now == borrowing || !waiting.isEmpty() ? Phase.WAITING : Phase.IDLE;
        }
        if (attached.requestOutstanding()) {
            return Phase.RUNNING;
        }
        return quiet() && attached.deliveredStatus == MessageTypes.TX_IDLE ? Phase.IDLE : Phase.IN_TRANSACTION;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    long requestSinceNanos() {
        return requestSinceNanos;
    }
}
