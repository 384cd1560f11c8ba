package io.portcullis.prepared;

import io.portcullis.wire.MessageTypes;

/**
 * One message whose answer the {@link ResponsePlan} waits for, in the order the backend answers.
 * Forwarded client messages let their answers pass; the gateway's own inserted messages have theirs
 * swallowed; messages the gateway answers itself are not sent at all.
 */
enum Step {
    /** Forwarded: the answers pass to the client. */
    PARSE(Kind.FORWARDED, MessageTypes.PARSE_COMPLETE),
    BIND(Kind.FORWARDED, MessageTypes.BIND_COMPLETE),
    /** Describe of a statement (ParameterDescription, then RowDescription or NoData) or of a portal. */
    DESCRIBE(Kind.FORWARDED, MessageTypes.ROW_DESCRIPTION, MessageTypes.NO_DATA),
    EXECUTE(Kind.FORWARDED, MessageTypes.COMMAND_COMPLETE, MessageTypes.EMPTY_QUERY_RESPONSE, MessageTypes.PORTAL_SUSPENDED),
    CLOSE(Kind.FORWARDED, MessageTypes.CLOSE_COMPLETE),
    SYNC(Kind.FORWARDED, MessageTypes.READY_FOR_QUERY),
    /** A simple Query or a FunctionCall: everything up to ReadyForQuery, errors included. */
    QUERY(Kind.FORWARDED, MessageTypes.READY_FOR_QUERY),

    /** The gateway's Parse of a statement the client's server connection lacks: ParseComplete swallowed. */
    INSERTED_PARSE(Kind.INSERTED, MessageTypes.PARSE_COMPLETE),
    /** The gateway's Close of an evicted statement: CloseComplete swallowed. */
    INSERTED_CLOSE(Kind.INSERTED, MessageTypes.CLOSE_COMPLETE),

    /** A Parse of a statement already prepared on the connection: the gateway answers ParseComplete. */
    ANSWER_PARSE(Kind.ANSWERED),
    /** A Close of a client statement: the gateway forgets it and answers CloseComplete. */
    ANSWER_CLOSE(Kind.ANSWERED),
    /** A Parse the gateway refuses (duplicate name, too long): it answers the ErrorResponse. */
    ANSWER_ERROR(Kind.ANSWERED);

    enum Kind { FORWARDED, INSERTED, ANSWERED }

    private final Kind kind;
    private final byte[] completedBy;

    Step(Kind kind, byte... completedBy) {
        this.kind = kind;
        this.completedBy = completedBy;
    }

    /** Whether a backend message of this type is the (last) answer to this step. */
    boolean completedBy(byte type) {
        for (byte b : completedBy) {
            if (b == type) {
                return true;
            }
        }
        return false;
    }

    /** Not a plain forward: the answer is swallowed or written by the gateway. */
    boolean isAction() {
        return kind != Kind.FORWARDED;
    }

    boolean isInserted() {
        return kind == Kind.INSERTED;
    }

    boolean isAnswered() {
        return kind == Kind.ANSWERED;
    }

    /**
     * Whether an ErrorResponse is part of this step's answer rather than its failure: a simple Query
     * reports errors and still ends with ReadyForQuery, and so does a Sync whose implicit commit fails.
     */
    boolean answersErrorsItself() {
        return this == SYNC || this == QUERY;
    }
}
