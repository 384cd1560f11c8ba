package io.portcullis.prepared;

import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.CloseTarget;
import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SqlState;
import io.portcullis.wire.StatementName;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Client → server: rewrites the frames that name a client statement and forwards everything else as
 * slices of the chunk it came in. A Parse becomes a Parse under a server-side name, or nothing when
 * the statement is already prepared on the connection; a Bind or a Describe of a statement is renamed,
 * preceded by a Parse when the connection lacks it; a Close of a statement is not forwarded. Every
 * forwarded or answered message adds its {@link Step} to the plan.
 *
 * <p>A frame is decided on its head (a whole Parse body, the names of the others), so only its head is
 * held back when it straddles chunks; the rest of a long Bind streams through. A chunk in which no frame
 * changes is forwarded as the same Buffer.
 *
 * <p>Its scan is the only one of the client's stream: whoever else needs the client's frames (the session,
 * for the hand-over's bookkeeping) is handed each frame's head here, as the frame is decided. A Terminate
 * ends the stream: nothing from it on is forwarded.
 *
 * <pre>
 *   Parse "S_1"        known name → 42P05 (answered)        prepared here → ParseComplete (answered)
 *                      otherwise  → Parse "portcullis_7"
 *   Bind/Describe S_1  → [Parse "portcullis_7" if missing here] + Bind/Describe "portcullis_7"
 *   Close S_1          → CloseComplete (answered), forgotten for the client, kept prepared here
 *   unnamed, portals, unknown names, everything else → forwarded as is
 * </pre>
 */
final class RequestRewriter implements FrameScanner.RewriteListener {

    /** Frontend messages of the steady state: every one is followed, to hold, drop or rewrite it. */
    static final FrameTypes CLIENT_TYPES = FrameTypes.of(MessageTypes.PARSE, MessageTypes.BIND, MessageTypes.DESCRIBE,
            MessageTypes.CLOSE, MessageTypes.EXECUTE, MessageTypes.SYNC, MessageTypes.QUERY, MessageTypes.FUNCTION_CALL,
            MessageTypes.FLUSH, MessageTypes.COPY_DATA, MessageTypes.COPY_DONE, MessageTypes.COPY_FAIL,
            MessageTypes.TERMINATE, MessageTypes.PASSWORD);
    /**
     * Head of a Bind, Describe or Close: the names ahead of the parameters. PostgreSQL truncates
     * names to 63 bytes; this leaves room for longer ones and still bounds what is held back.
     */
    static final int NAMES_HEAD = 1024;
    /**
     * The longest named Parse body the gateway remembers (and holds back while it arrives). Longer
     * named statements are refused with 54000; unnamed ones of any length pass.
     */
    static final int MAX_PARSE_BODY = 1 << 20;

    private final FrameScanner scanner = new FrameScanner(CLIENT_TYPES, 0, this)
            .captureUpTo(FrameTypes.of(MessageTypes.BIND, MessageTypes.DESCRIBE, MessageTypes.CLOSE), NAMES_HEAD)
            .captureUpTo(FrameTypes.of(MessageTypes.PARSE), MAX_PARSE_BODY);
    private final ClientStatements statements;
    private final ResponsePlan plan;
    /** Also told of every client frame, at its head (so the stream is scanned once); null when nobody asks. */
    private final FrameScanner.Listener frames;
    private final MessageDigest sha256;
    private ServerStatementCache cache;

    /** The start of a frame whose head has not arrived, from earlier chunks. */
    private final List<Buffer> held = new ArrayList<>();
    private final Outbound out = new Outbound();
    private Buffer chunk;
    /** Bytes of the chunk before this index have been emitted, dropped or replaced. */
    private int emitFrom;
    private boolean changed;
    /** The current frame is dropped up to its end. */
    private boolean dropping;
    /** The gateway answered an error: like the backend, it drops what comes until the client's Sync. */
    private boolean discardingUntilSync;
    /** Nothing extended has been sent since the last Sync or Query: a Close sent now cannot be skipped. */
    private boolean batchStart = true;
    /** What the server has been sent ends between two messages (no frame half forwarded). */
    private boolean sentEndsBetweenMessages = true;
    /** A Terminate came: the client's stream is over, nothing more is forwarded or planned. */
    private boolean terminated;

    /** @param frames told of every client frame at its head, before it is rewritten; may be null */
    RequestRewriter(ClientStatements statements, ResponsePlan plan, MessageDigest sha256, FrameScanner.Listener frames) {
        this.statements = statements;
        this.plan = plan;
        this.sha256 = sha256;
        this.frames = frames;
    }

    /** The session got a server connection: statements are looked up in its cache from now on. */
    void attach(ServerStatementCache serverCache) {
        this.cache = serverCache;
        this.batchStart = true;
    }

    /**
     * @return what to send to the server for this chunk: the chunk itself when nothing changed,
     *     otherwise the rewritten bytes (empty when everything is held back or answered)
     */
    Buffer rewrite(Buffer data) {
        chunk = data;
        emitFrom = 0;
        changed = false;
        scanner.scan(data);
        if (terminated) {
            chunk = null;
            return out.build(); // what came before the Terminate
        }
        int end = data.length();
        int unreported = scanner.unreportedFrameStart();
        // A frame still arriving is either held back whole, dropped, or (a long Bind) half forwarded.
        sentEndsBetweenMessages = dropping || unreported != FrameScanner.NO_UNREPORTED_FRAME || scanner.atFrameBoundary();
        if (dropping) {
            changed = true;
        } else if (unreported != FrameScanner.NO_UNREPORTED_FRAME) {
            int holdFrom = Math.max(unreported, 0);
            emitChunk(holdFrom);
            held.add(data.slice(holdFrom, end));
            changed = true;
        } else if (changed) {
            emitChunk(end);
        }
        chunk = null;
        return changed ? out.build() : data;
    }

    /** Whether what was sent to the server so far ends between two messages, where one of the gateway's may go. */
    boolean sentEndsBetweenMessages() {
        return sentEndsBetweenMessages;
    }

    /** Whether the client's stream, as scanned so far, ends between two frames. */
    boolean atFrameBoundary() {
        return scanner.atFrameBoundary();
    }

    /** Nothing held back and no error answered whose Sync is still to come. */
    boolean idle() {
        return held.isEmpty() && !discardingUntilSync && scanner.atFrameBoundary();
    }

    @Override
    public void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength) {
        if (terminated) {
            return; // a client sends nothing after Terminate; if it does, nobody is listening
        }
        if (frames != null) {
            if (head.length() < bodyLength) {
                frames.onTruncatedFrame(type, startInChunk, head, bodyLength);
            } else {
                frames.onFrame(type, startInChunk, head);
            }
        }
        if (type == MessageTypes.TERMINATE) {
            emitChunk(startInChunk); // what came before it still goes; the Terminate, as before, never does
            held.clear();
            terminated = true;
            changed = true;
            return;
        }
        if (discardingUntilSync) {
            if (type == MessageTypes.SYNC) {
                discardingUntilSync = false;
                forward(startInChunk, Step.SYNC);
                batchStart = true;
            } else if (type == MessageTypes.FLUSH) {
                pass(startInChunk);
            } else {
                drop(startInChunk);
            }
            return;
        }
        switch (type) {
            case MessageTypes.PARSE -> onParse(startInChunk, headEndInChunk, head, bodyLength);
            case MessageTypes.BIND -> onBind(startInChunk, headEndInChunk, head, bodyLength);
            case MessageTypes.DESCRIBE -> onDescribe(startInChunk, headEndInChunk, head, bodyLength);
            case MessageTypes.CLOSE -> onClose(startInChunk, head, bodyLength);
            case MessageTypes.EXECUTE -> forward(startInChunk, Step.EXECUTE);
            case MessageTypes.SYNC -> {
                forward(startInChunk, Step.SYNC);
                batchStart = true;
            }
            case MessageTypes.QUERY, MessageTypes.FUNCTION_CALL -> {
                forward(startInChunk, Step.QUERY);
                batchStart = true;
            }
            default -> pass(startInChunk); // Flush, COPY data, anything else: no answer of its own
        }
    }

    @Override
    public void onEnd(byte type, int endInChunk) {
        if (terminated) {
            return;
        }
        if (dropping) {
            dropping = false;
            emitFrom = endInChunk;
        }
    }

    private void onParse(int start, int headEnd, Buffer head, int bodyLength) {
        if (head.length() > 0 && head.getByte(0) == 0) {
            forward(start, Step.PARSE); // the unnamed statement, read without decoding anything
            return;
        }
        StatementName name;
        try {
            name = MessageReader.parseStatement(head);
        } catch (ProtocolViolation e) {
            forward(start, Step.PARSE); // the backend will refuse it in its own words
            return;
        }
        if (name.isUnnamed()) {
            forward(start, Step.PARSE);
            return;
        }
        String client = name.name();
        if (head.length() < bodyLength) {
            refuse(start, SqlState.PROGRAM_LIMIT_EXCEEDED, "prepared statement \"" + client + "\" is longer than "
                    + MAX_PARSE_BODY + " bytes, the most a pooled connection keeps; use an unnamed statement");
            return;
        }
        if (statements.contains(client)) {
            refuse(start, SqlState.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"" + client + "\" already exists");
            return;
        }
        StatementKey key = StatementKey.of(head, name.after(), sha256);
        if (!statements.fits(key)) {
            refuse(start, SqlState.PROGRAM_LIMIT_EXCEEDED, "too many prepared statements in this session (at most "
                    + ClientStatements.MAX_STATEMENTS + " or " + (ClientStatements.MAX_BYTES >> 20) + " MiB): close some");
            return;
        }
        statements.put(client, key);
        if (cache.lookup(key) != null) {
            drop(start);
            plan.expect(Step.ANSWER_PARSE, new StatementNote(client, key, null));
            return;
        }
        closeEvictedAtBatchStart(start);
        String server = cache.add(key);
        replaceHead(start, headEnd, FrontendMessages.renamedHead(MessageTypes.PARSE, head.slice(0, 0), server,
                bodyLength - name.after()), head.slice(name.after(), head.length()));
        batchStart = false;
        plan.expect(Step.PARSE, new StatementNote(client, key, server));
    }

    private void onBind(int start, int headEnd, Buffer head, int bodyLength) {
        if (bindsUnnamedStatement(head)) {
            forward(start, Step.BIND);
            return;
        }
        StatementName name;
        try {
            name = MessageReader.bindStatement(head);
        } catch (ProtocolViolation e) {
            forward(start, Step.BIND);
            return;
        }
        StatementKey key = name.isUnnamed() ? null : statements.get(name.name());
        if (key == null) {
            forward(start, Step.BIND); // unnamed, or unknown: the backend answers as PostgreSQL would
            return;
        }
        renameStatement(MessageTypes.BIND, start, headEnd, head, bodyLength, name, key);
        plan.expect(Step.BIND, null);
    }

    private void onDescribe(int start, int headEnd, Buffer head, int bodyLength) {
        if (targetsPortalOrUnnamed(head)) {
            forward(start, Step.DESCRIBE);
            return;
        }
        StatementName name;
        CloseTarget target;
        try {
            target = MessageReader.describeTarget(head);
            name = MessageReader.targetName(head, "Describe");
        } catch (ProtocolViolation e) {
            forward(start, Step.DESCRIBE);
            return;
        }
        StatementKey key = target.isStatement() && !name.isUnnamed() ? statements.get(name.name()) : null;
        if (key == null) {
            forward(start, Step.DESCRIBE);
            return;
        }
        renameStatement(MessageTypes.DESCRIBE, start, headEnd, head, bodyLength, name, key);
        plan.expect(Step.DESCRIBE, null);
    }

    private void onClose(int start, Buffer head, int bodyLength) {
        if (targetsPortalOrUnnamed(head)) {
            forward(start, Step.CLOSE);
            return;
        }
        CloseTarget target;
        try {
            target = MessageReader.closeTarget(head);
        } catch (ProtocolViolation e) {
            forward(start, Step.CLOSE);
            return;
        }
        StatementKey key = target.isStatement() && !target.name().isEmpty() && head.length() == bodyLength
                ? statements.remove(target.name()) : null;
        if (key == null) {
            forward(start, Step.CLOSE); // a portal, the unnamed statement, or a name the client does not have
            return;
        }
        drop(start); // kept prepared on the server connection for the next client that needs it
        plan.expect(Step.ANSWER_CLOSE, new StatementNote(target.name(), key, null));
    }

    /** Whether a Bind head names the unnamed statement (portal name, then an empty one), without decoding. */
    private static boolean bindsUnnamedStatement(Buffer head) {
        for (int i = 0; i < head.length() - 1; i++) {
            if (head.getByte(i) == 0) {
                return head.getByte(i + 1) == 0;
            }
        }
        return false;
    }

    /** Whether a Describe or Close head targets a portal or the unnamed statement, without decoding. */
    private static boolean targetsPortalOrUnnamed(Buffer head) {
        return head.length() >= 2 && (head.getByte(0) == MessageTypes.KIND_PORTAL || head.getByte(1) == 0);
    }

    /** Bind or Describe of a client statement: the server-side name, prepared first where missing. */
    private void renameStatement(byte type, int start, int headEnd, Buffer head, int bodyLength, StatementName name,
                                 StatementKey key) {
        closeEvictedAtBatchStart(start);
        String server = cache.lookup(key);
        if (server == null) {
            server = cache.add(key);
            insertBefore(start, FrontendMessages.parse(server, key.definition()));
            plan.expect(Step.INSERTED_PARSE, new StatementNote(null, key, server));
        }
        replaceHead(start, headEnd, FrontendMessages.renamedHead(type, head.slice(0, name.start()), server,
                bodyLength - name.after()), head.slice(name.after(), head.length()));
        batchStart = false;
    }

    /** A message forwarded unchanged, whose answers pass. */
    private void forward(int start, Step step) {
        if (step != Step.SYNC && step != Step.QUERY) {
            closeEvictedAtBatchStart(start);
            batchStart = false;
        }
        pass(start);
        plan.expect(step, null);
    }

    /**
     * Closes evicted statements before the first extended message after a Sync (or a Query, or at the
     * start of a loan): there the backend cannot be skipping, so each Close is sure to be executed.
     */
    private void closeEvictedAtBatchStart(int start) {
        if (!batchStart) {
            return;
        }
        String name;
        while ((name = cache.pollNameToClose()) != null) {
            insertBefore(start, FrontendMessages.close(MessageTypes.KIND_STATEMENT, name));
            plan.expect(Step.INSERTED_CLOSE, name);
        }
    }

    /** The gateway answers an error in the backend's place, and drops what follows until the client's Sync. */
    private void refuse(int start, SqlState state, String message) {
        drop(start);
        plan.expect(Step.ANSWER_ERROR, BackendMessages.errorResponse(MessageTypes.SEVERITY_ERROR, state, message));
        discardingUntilSync = true;
    }

    // ---- output: the frame starting at `start` (-1: in an earlier chunk, its start held) ----

    /** The frame goes out unchanged: what was held of it first, the rest stays in the chunk's run. */
    private void pass(int start) {
        if (start < 0 && !held.isEmpty()) {
            out.addAll(held);
            held.clear();
            changed = true;
        }
    }

    private void drop(int start) {
        emitChunk(start);
        held.clear();
        dropping = true;
        changed = true;
    }

    /** A message of the gateway's own goes out just before the frame. */
    private void insertBefore(int start, Buffer frame) {
        emitChunk(start);
        out.add(frame);
        changed = true;
    }

    /** The frame's type, length and head are replaced; its body after the head follows unchanged. */
    private void replaceHead(int start, int headEnd, Buffer newStart, Buffer restOfHead) {
        emitChunk(start);
        held.clear();
        out.add(newStart);
        out.add(restOfHead);
        emitFrom = headEnd;
        changed = true;
    }

    /** Emits the chunk's unchanged bytes up to {@code to} (nothing when the frame began in an earlier chunk). */
    private void emitChunk(int to) {
        if (to > emitFrom) {
            out.add(chunk.slice(emitFrom, to));
            emitFrom = to;
        }
    }
}
