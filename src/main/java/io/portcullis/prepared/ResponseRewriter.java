package io.portcullis.prepared;

import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Server → client: follows the backend's answers through the {@link ResponsePlan}, swallows the
 * answers to the gateway's own messages and writes the gateway's answers where they belong, between
 * two backend messages. Frames are followed by header only (a CommandComplete by its tag too); while
 * the plan has nothing to swallow or answer, every chunk goes to the client as the same Buffer.
 *
 * <p>One per server connection a session holds: {@link #reset()} when it gets another.
 */
final class ResponseRewriter implements FrameScanner.RewriteListener {

    /**
     * Backend messages that answer a step (ParseComplete, BindComplete, CloseComplete, RowDescription,
     * NoData, CommandComplete, EmptyQueryResponse, PortalSuspended, ReadyForQuery, ErrorResponse) or
     * may come at any time (NoticeResponse, ParameterStatus, NotificationResponse). DataRows and COPY
     * data are skipped by length.
     */
    static final FrameTypes SERVER_TYPES = FrameTypes.of(MessageTypes.PARSE_COMPLETE, MessageTypes.BIND_COMPLETE,
            MessageTypes.CLOSE_COMPLETE, MessageTypes.ROW_DESCRIPTION, MessageTypes.NO_DATA, MessageTypes.COMMAND_COMPLETE,
            MessageTypes.EMPTY_QUERY_RESPONSE, MessageTypes.PORTAL_SUSPENDED, MessageTypes.READY_FOR_QUERY,
            MessageTypes.ERROR_RESPONSE, MessageTypes.NOTICE_RESPONSE, MessageTypes.PARAMETER_STATUS,
            MessageTypes.NOTIFICATION_RESPONSE);
    private static final FrameTypes COMMAND_COMPLETE = FrameTypes.of(MessageTypes.COMMAND_COMPLETE);

    private static final FrameTypes READY_OR_PARAMETER =
            FrameTypes.of(MessageTypes.READY_FOR_QUERY, MessageTypes.PARAMETER_STATUS);

    private final ResponsePlan plan;
    private FrameScanner scanner;
    /** Also told of every backend frame at its head when this scan is the connection's too; else null. */
    private FrameScanner.Listener serverFrames;
    /** The start of a frame whose head has not arrived, held back while the plan may swallow it. */
    private final List<Buffer> held = new ArrayList<>();
    private final Outbound out = new Outbound();
    private Buffer chunk;
    private int emitFrom;
    private boolean changed;
    private boolean dropping;

    ResponseRewriter(ResponsePlan plan) {
        this.plan = plan;
        reset(null, 0);
    }

    /**
     * A new server connection: its stream starts between two messages.
     *
     * @param serverFrames told of every backend frame at its head (ReadyForQuery and ParameterStatus with up to
     *                     {@code headLimit} body bytes), so that the connection needs no scan of its own; null
     *                     when the connection scans for itself
     */
    void reset(FrameScanner.Listener serverFrames, int headLimit) {
        scanner = new FrameScanner(SERVER_TYPES, 0, this).captureUpTo(COMMAND_COMPLETE, ResponsePlan.COMMAND_TAG_HEAD);
        if (serverFrames != null) {
            scanner.captureUpTo(READY_OR_PARAMETER, headLimit); // same limits array: nothing more allocated
        }
        this.serverFrames = serverFrames;
        held.clear();
        dropping = false;
    }

    /** Whether the backend's stream, as scanned so far, ends between two messages. */
    boolean atFrameBoundary() {
        return scanner.atFrameBoundary();
    }

    /** @return what to send to the client for this chunk: the chunk itself when nothing changed */
    Buffer rewrite(Buffer data) {
        chunk = data;
        emitFrom = 0;
        changed = false;
        scanner.scan(data);
        int end = data.length();
        int unreported = scanner.unreportedFrameStart();
        if (dropping) {
            changed = true;
        } else if (unreported != FrameScanner.NO_UNREPORTED_FRAME && plan.hasActions()) {
            int holdFrom = Math.max(unreported, 0);
            emitChunk(holdFrom);
            held.add(data.slice(holdFrom, end));
            changed = true;
        } else if (!held.isEmpty()) {
            out.addAll(held); // still no head, but nothing left that could swallow it
            held.clear();
            emitChunk(end);
            changed = true;
        } else if (changed) {
            emitChunk(end);
        }
        chunk = null;
        return changed ? out.build() : data;
    }

    /**
     * The gateway's answers due now, when what the client received ends between two messages (a
     * client message answered by the gateway while nothing of the backend's is outstanding); null
     * when there are none or they must wait for the end of a backend message.
     */
    Buffer answersDue() {
        if (!plan.answerDue() || !scanner.atFrameBoundary() || !held.isEmpty()) {
            return null;
        }
        plan.takeAnswers(out);
        return out.build();
    }

    @Override
    public void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength) {
        if (serverFrames != null) {
            if (head.length() < bodyLength) {
                serverFrames.onTruncatedFrame(type, startInChunk, head, bodyLength);
            } else {
                serverFrames.onFrame(type, startInChunk, head);
            }
        }
        boolean atBoundary = startInChunk >= 0 || !held.isEmpty();
        if (atBoundary && plan.answerDue()) {
            emitChunk(startInChunk);
            plan.takeAnswers(out);
            changed = true;
        }
        if (plan.onServerFrame(type, head) && atBoundary) {
            emitChunk(startInChunk);
            held.clear();
            dropping = true;
            changed = true;
        } else if (startInChunk < 0 && !held.isEmpty()) {
            out.addAll(held);
            held.clear();
            changed = true;
        }
    }

    @Override
    public void onEnd(byte type, int endInChunk) {
        if (dropping) {
            dropping = false;
            emitFrom = endInChunk;
        }
        if (plan.answerDue()) {
            emitChunk(endInChunk);
            plan.takeAnswers(out);
            changed = true;
        }
    }

    private void emitChunk(int to) {
        if (to > emitFrom) {
            out.add(chunk.slice(emitFrom, to));
            emitFrom = to;
        }
    }
}
