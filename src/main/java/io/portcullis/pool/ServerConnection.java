package io.portcullis.pool;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.net.InboundBytes;
import io.portcullis.net.OwnedBytes;
import io.portcullis.prepared.ServerStatementCache;
import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ParameterStatus;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One logged-in connection to a backend. It belongs to its {@link Pool}; while lent, its bytes go
 * to the borrower's {@link Sink}, while idle or being reset, to the pool.
 *
 * <p>It remembers what a borrower must be told and what the next borrower must not inherit: the
 * ParameterStatus set (kept current as the backend reports changes), the backend's cancel key,
 * the transaction status of the last ReadyForQuery, and the named statements and portals the
 * current borrower created (QuestDB ignores {@code DISCARD ALL}, so these are closed one by one
 * on hand-over).
 */
public final class ServerConnection {

    /** Receives what the backend sends while the connection is lent. Called on the connection's context. */
    public interface Sink {
        /**
         * @param data                what was read; the sink may read it during the call only, unless it
         *                            {@link #takesData() takes it}
         * @param endsOnFrameBoundary whether {@code data} ends exactly between two messages: only then
         *                            may the borrower write a message of its own to its client
         */
        void onServerData(Buffer data, boolean endsOnFrameBoundary);

        /**
         * Whether {@link #onServerData} takes what it is given, as {@link OwnedBytes} describes (sends or
         * releases it, maybe later); otherwise the connection releases it after the call.
         */
        default boolean takesData() {
            return false;
        }

        void onServerClosed();

        /** The backend sent ReadyForQuery with this transaction status; called before {@link #onServerData}. */
        default void onReadyForQuery(byte transactionStatus) {
        }

        /**
         * Whether this sink scans {@code conn}'s stream itself, on the connection's own event loop, and hands
         * each frame to {@link ServerConnection#frameReader()} as it goes: then the connection does not scan
         * it too, and the bytes go to {@link #onUnscannedData} instead of {@link #onServerData}. Asked for
         * every read; the answer must stay the same while the sink holds the connection.
         */
        default boolean scansFor(ServerConnection conn) {
            return false;
        }

        /**
         * What the backend sent, not scanned by the connection (see {@link #scansFor}); the sink takes it as
         * {@link OwnedBytes} describes. A failure of the sink's scan closes the connection.
         */
        default void onUnscannedData(Buffer data) {
            OwnedBytes.release(data);
        }
    }

    /** ParameterStatus values are small; a larger one is forwarded but not remembered. */
    public static final int MAX_PARAMETER_BODY = 4096;
    private static final FrameTypes READY_OR_PARAMETER =
            FrameTypes.of(MessageTypes.READY_FOR_QUERY, MessageTypes.PARAMETER_STATUS);

    private final long id;
    private final NetSocket socket;
    private final Context context;
    private final DatabaseConfig config;
    /** The host of the database's list this connection went to. */
    private final io.portcullis.config.BackendHost at;
    private final Map<String, String> parameters;
    private final int backendProcessId;
    private final int backendSecretKey;
    private final long createdNanos;
    private final Set<String> statements = new LinkedHashSet<>();
    private final Set<String> portals = new LinkedHashSet<>();
    private final FrameScanner scanner;
    /** What this connection learns from a frame (ReadyForQuery, ParameterStatus), whichever scan found it. */
    private final FrameScanner.Listener frameReader = new FrameScanner.Listener() {
        @Override
        public void onFrame(byte type, int startInChunk, Buffer body) {
            if (type == MessageTypes.READY_FOR_QUERY || type == MessageTypes.PARAMETER_STATUS) {
                onServerFrame(type, body);
            }
        }

        @Override
        public void onTruncatedFrame(byte type, int startInChunk, Buffer prefix, int bodyLength) {
            // An oversized ParameterStatus is forwarded but not remembered.
        }
    };
    private final InboundBytes inbound;
    /** What the gateway prepared here under its own names (transaction/statement pooling); null until used. */
    private ServerStatementCache preparedStatements;

    private final java.util.concurrent.atomic.AtomicBoolean retired = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Sink sink;
    private volatile boolean closed;
    private volatile byte transactionStatus = MessageTypes.TX_IDLE;
    /** ReadyForQuery messages seen; written only on this connection's context. */
    private volatile long readyCount;
    private long idleSinceNanos;

    ServerConnection(long id, NetSocket socket, Context context, DatabaseConfig config, Map<String, String> parameters,
                     int backendProcessId, int backendSecretKey) {
        this(id, socket, context, config, config == null ? null : config.backendHosts().get(0), parameters,
                backendProcessId, backendSecretKey);
    }

    /** @param at the address of the database this connection went to (one of its hosts) */
    ServerConnection(long id, NetSocket socket, Context context, DatabaseConfig config, io.portcullis.config.BackendHost at,
                     Map<String, String> parameters, int backendProcessId, int backendSecretKey) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.config = config;
        this.at = at;
        this.parameters = new LinkedHashMap<>(parameters);
        this.backendProcessId = backendProcessId;
        this.backendSecretKey = backendSecretKey;
        this.createdNanos = System.nanoTime();
        this.idleSinceNanos = createdNanos;
        this.scanner = new FrameScanner(READY_OR_PARAMETER, MAX_PARAMETER_BODY, frameReader);
        // The backend says nothing after the ReadyForQuery that ended the login, so nothing is lost
        // between the login's handler and this one.
        this.inbound = new InboundBytes(socket, context, this::onData);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> socket.close());
    }

    private void onData(Buffer data) {
        Sink taker = sink;
        if (taker != null && taker.scansFor(this)) {
            // One scan of the stream: the sink's, which reports this connection's frames to frameReader.
            try {
                taker.onUnscannedData(data);
            } catch (RuntimeException e) {
                close(); // a backend that breaks framing cannot be trusted with another byte
            }
            return;
        }
        try {
            scanner.scan(data);
        } catch (RuntimeException e) {
            // A backend that breaks framing cannot be trusted with another byte.
            OwnedBytes.release(data);
            close();
            return;
        }
        Sink current = sink;
        if (current == null) {
            OwnedBytes.release(data);
        } else if (current.takesData()) {
            current.onServerData(data, scanner.atFrameBoundary());
        } else {
            try {
                current.onServerData(data, scanner.atFrameBoundary());
            } finally {
                OwnedBytes.release(data);
            }
        }
    }

    private void onServerFrame(byte type, Buffer body) {
        if (type == MessageTypes.READY_FOR_QUERY) {
            transactionStatus = MessageReader.readyForQueryStatus(body);
            readyCount++;
            Sink current = sink;
            if (current != null) {
                current.onReadyForQuery(transactionStatus);
            }
        } else {
            ParameterStatus status = MessageReader.parameterStatus(body);
            parameters.put(status.name(), status.value());
        }
    }

    private void onClosed() {
        closed = true;
        inbound.discard();
        Sink current = sink;
        if (current != null) {
            current.onServerClosed();
        }
    }

    /**
     * Sends bytes to the backend as they are. Safe from any thread; Vert.x orders writes. No completion
     * is asked for: a failed write closes the socket, which {@link Sink#onServerClosed} reports, and
     * {@code write(data)} would allocate a promise and a listener per forwarded chunk.
     */
    public void write(Buffer data) {
        socket.write(data, null);
    }

    /** Sends a chunk read off a client socket and hands it over, as {@link OwnedBytes#send} does. Any thread. */
    public void send(Buffer chunk) {
        OwnedBytes.send(socket, chunk);
    }

    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    public void drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
    }

    /** Stops reading from the backend (lazily, see {@link InboundBytes}); any thread. */
    public void pause() {
        inbound.pause();
    }

    public void resume() {
        inbound.resume();
    }

    /**
     * Where a borrower whose own scan reads this stream (see {@link Sink#scansFor}) hands each frame it finds,
     * heads of at most {@link #MAX_PARAMETER_BODY} bytes: ReadyForQuery and ParameterStatus are taken as this
     * connection's own scan would take them, anything else is ignored. On the connection's event loop only.
     */
    public FrameScanner.Listener frameReader() {
        return frameReader;
    }

    /**
     * The borrower starts receiving what the backend sends. A close that came before the borrower was in place
     * went to the sink before it (the pool's, while the connection was idle, which may have seen it too late to
     * keep the connection from being lent): the borrower is told too, or it would wait for an answer from a
     * connection that is gone (its writes go nowhere and no close comes again). Both fields are volatile, so at
     * least one of this check and {@link #onClosed} sees the other; a borrower may hear of the close twice.
     */
    public void attach(Sink borrower) {
        this.sink = borrower;
        if (closed) {
            borrower.onServerClosed();
        }
    }

    void sink(Sink newSink) {
        this.sink = newSink;
    }

    /** ReadyForQuery messages received so far: a borrower compares it with the Syncs and Queries it sent. */
    public long readyCount() {
        return readyCount;
    }

    public void close() {
        closed = true;
        socket.close();
    }

    /** @return true the first time only: the pool counts a connection out exactly once. */
    boolean retire() {
        return retired.compareAndSet(false, true);
    }

    boolean isRetired() {
        return retired.get();
    }

    public boolean isClosed() {
        return closed;
    }

    public long id() {
        return id;
    }

    public Context context() {
        return context;
    }

    /** The backend host this connection went to (for a database with several hosts, the one that was used). */
    public String host() {
        return at.host();
    }

    /** The backend port this connection went to. */
    public int port() {
        return at.port();
    }

    public DatabaseConfig config() {
        return config;
    }

    /** The ParameterStatus set a borrower must receive, as the backend last reported it. */
    public Map<String, String> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public int backendProcessId() {
        return backendProcessId;
    }

    public int backendSecretKey() {
        return backendSecretKey;
    }

    /** Status byte of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
    public byte transactionStatus() {
        return transactionStatus;
    }

    /** QuestDB announces itself with a {@code questdb_version} ParameterStatus. */
    public boolean isQuestDb() {
        return parameters.containsKey("questdb_version");
    }

    /** Named prepared statements the current borrower created; the borrower keeps this set current. */
    public Set<String> statements() {
        return statements;
    }

    /**
     * The statements the gateway prepared on this connection under its own names, for every borrower
     * in transaction and statement pooling: created on first use, kept across borrowers until the
     * connection closes or {@code DISCARD ALL} drops them. The borrower's event loop only.
     *
     * @param capacity the most kept (the current {@code max-prepared-statements})
     */
    public ServerStatementCache preparedStatements(int capacity) {
        if (preparedStatements == null) {
            preparedStatements = new ServerStatementCache(capacity);
        } else if (preparedStatements.capacity() != capacity) {
            preparedStatements.capacity(capacity);
        }
        return preparedStatements;
    }

    /** {@code DISCARD ALL} is on its way to the backend: nothing stays prepared. */
    void forgetPreparedStatements() {
        if (preparedStatements != null) {
            preparedStatements.clear();
        }
    }

    /** Named portals the current borrower created. */
    public Set<String> portals() {
        return portals;
    }

    long createdNanos() {
        return createdNanos;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    NetSocket socket() {
        return socket;
    }

    @Override
    public String toString() {
        return "server#" + id + "(" + config.name() + "@" + at + ")";
    }
}
