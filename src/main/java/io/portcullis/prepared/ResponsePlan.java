package io.portcullis.prepared;

import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The answers a session waits for from its server connection, one {@link Step} per message, in the
 * order the backend answers them. Client messages append steps; backend frames advance the plan,
 * which says which frame to swallow, and when a message the gateway answers itself is due.
 *
 * <p>Errors: after an ErrorResponse to an extended-protocol message the backend skips every message
 * up to the next Sync. The failed step and every step up to that Sync are undone (a Parse recorded,
 * a statement forgotten) and the answers the gateway would have given for them are dropped, as the
 * backend would not have answered either. Steps the client sends after the error and before its Sync
 * are undone as they come. QuestDB also drops answers it had not yet sent for messages before the
 * failed one: the step at the head is then the failed one as far as the client can tell, which is
 * exactly what a client infers from the answers it did get.
 *
 * <p>Bounded: every step waits for a backend answer at the head of the plan, and a client can keep
 * adding steps the gateway answers itself (a Close, a Parse of a statement already prepared) behind one
 * that the backend has not answered, each keeping its statement's text. The plan counts what it holds
 * ({@link #heldBytes()}); past {@link #MAX_HELD_BYTES} the session stops reading its client until the
 * backend has answered ({@link #owesTooMuch()}).
 *
 * <p>Not thread-safe: the session's event loop only. Steps live in a ring of arrays, so plain
 * forwarding allocates nothing per message.
 */
final class ResponsePlan {

    /** What the plan reports back when steps did not take effect or the backend dropped everything. */
    interface Outcomes {
        /** A Parse (forwarded, inserted or answered) did not take effect: undo what it recorded. */
        void parseUndone(StatementNote note);

        /** A Close the gateway answered was skipped by the backend: the client still has the statement. */
        void closeUndone(StatementNote note);

        /** A Close the gateway inserted was not executed: the name must be closed later. */
        void closeNotSent(String serverName);

        /** The backend reported {@code DISCARD ALL} or {@code DEALLOCATE ALL}: no prepared statement is left. */
        void allDeallocated();
    }

    /** Command tags after which the backend has no prepared statement left (QuestDB answers DISCARD ALL with SET). */
    private static final String DEALLOCATE_ALL = "DEALLOCATE ALL";
    private static final String DISCARD_ALL = "DISCARD ALL";
    /** The CommandComplete head a caller must capture for the tags to be recognised (tag and NUL). */
    static final int COMMAND_TAG_HEAD = DEALLOCATE_ALL.length() + 1;

    private static final int INITIAL_CAPACITY = 16;
    /**
     * What the plan may hold before the client's reads stop: 4 MiB is over 80,000 steps that keep no
     * statement, or over 6,000 Close/Parse pairs of a short statement, far more than a driver sends
     * between two Syncs (pgJDBC syncs every few hundred messages), while a client that never syncs nor
     * reads stops there.
     */
    static final long MAX_HELD_BYTES = 4L << 20;
    /** A step's share of the ring (two slots, doubled while it grows). */
    static final int STEP_BYTES = 48;
    /**
     * What a note naming a statement keeps beyond the statement's text: the note, the key with its
     * digest and buffer, the client's name (rounded up).
     */
    static final int STATEMENT_NOTE_BYTES = 256;

    private final Outcomes outcomes;
    private Step[] steps = new Step[INITIAL_CAPACITY];
    private Object[] notes = new Object[INITIAL_CAPACITY];
    private int head;
    private int size;
    /** Steps in the plan that are not plain forwards. */
    private int actions;
    /** An extended message failed and its Sync is not in the plan yet: what comes until then is skipped. */
    private boolean skippingUntilSync;
    /** Bytes the steps in the plan hold, see {@link #held}. */
    private long heldBytes;

    ResponsePlan(Outcomes outcomes) {
        this.outcomes = outcomes;
    }

    /**
     * A message went to the backend (or will be answered by the gateway) after every earlier one.
     *
     * @param note what the step changed ({@link StatementNote}), the ErrorResponse of an
     *             {@link Step#ANSWER_ERROR}, the server name of an {@link Step#INSERTED_CLOSE}, or null
     */
    void expect(Step step, Object note) {
        if (skippingUntilSync) {
            if (step != Step.SYNC) {
                undo(step, note);
                return;
            }
            skippingUntilSync = false;
        }
        if (size == steps.length) {
            grow();
        }
        int at = (head + size) % steps.length;
        steps[at] = step;
        notes[at] = note;
        heldBytes += held(note);
        size++;
        if (step.isAction()) {
            actions++;
        }
    }

    boolean isEmpty() {
        return size == 0 && !skippingUntilSync;
    }

    /** Bytes the plan holds: its steps and the statements and errors their notes keep. */
    long heldBytes() {
        return heldBytes;
    }

    /** The plan holds more than {@link #MAX_HELD_BYTES}: read no more from the client until answers come. */
    boolean owesTooMuch() {
        return heldBytes > MAX_HELD_BYTES;
    }

    /** What one step with this note holds. */
    private static long held(Object note) {
        if (note instanceof StatementNote statement) {
            return STEP_BYTES + STATEMENT_NOTE_BYTES + statement.key().size();
        }
        if (note instanceof Buffer error) {
            return STEP_BYTES + error.length();
        }
        return STEP_BYTES;
    }

    /** Whether some step swallows or writes an answer: only then do the streams need rewriting. */
    boolean hasActions() {
        return actions > 0;
    }

    /** Whether the next answer is one the gateway writes itself. */
    boolean answerDue() {
        return size > 0 && steps[head].isAnswered();
    }

    /** Writes the gateway's answers now due; call only where the client's stream is between two messages. */
    void takeAnswers(Outbound out) {
        while (answerDue()) {
            Step step = steps[head];
            Object note = pop();
            out.add(switch (step) {
                case ANSWER_PARSE -> BackendMessages.parseComplete();
                case ANSWER_CLOSE -> BackendMessages.closeComplete();
                default -> (Buffer) note;
            });
        }
    }

    /**
     * A backend message has begun; advances the plan.
     *
     * @param type the message type
     * @param head the start of its body: at least {@link #COMMAND_TAG_HEAD} bytes of a CommandComplete
     * @return true when it answers a message of the gateway's own and must not reach the client
     */
    boolean onServerFrame(byte type, Buffer head) {
        if (type == MessageTypes.COMMAND_COMPLETE && (isTag(head, DISCARD_ALL) || isTag(head, DEALLOCATE_ALL))) {
            outcomes.allDeallocated();
        }
        if (size == 0 || isAsynchronous(type)) {
            return false;
        }
        Step step = steps[this.head];
        if (step.isAnswered()) {
            return false; // nothing of ours is outstanding before that answer: an unexpected message passes
        }
        if (type == MessageTypes.ERROR_RESPONSE) {
            if (!step.answersErrorsItself()) {
                failUntilSync();
            }
            return false;
        }
        if (type == MessageTypes.READY_FOR_QUERY && !step.answersErrorsItself()) {
            abandonThroughReady(); // the backend ended the batch without answering some steps
            return false;
        }
        if (!step.completedBy(type)) {
            return false;
        }
        pop();
        return step.isInserted();
    }

    /** The head step failed: it and every step up to the next Sync did not take effect. */
    private void failUntilSync() {
        List<Object> undone = new ArrayList<>();
        do {
            undone.add(steps[head]);
            undone.add(pop());
        } while (size > 0 && steps[head] != Step.SYNC);
        undoInReverse(undone);
        if (size == 0) {
            skippingUntilSync = true;
        }
    }

    /** A ReadyForQuery that came early: the steps before it were not answered, so they are undone. */
    private void abandonThroughReady() {
        List<Object> undone = new ArrayList<>();
        while (size > 0) {
            Step step = steps[head];
            Object note = pop();
            if (step.answersErrorsItself()) {
                break;
            }
            undone.add(step);
            undone.add(note);
        }
        undoInReverse(undone);
    }

    /** Last applied, first undone: a Close after a Parse of the same name must be undone before the Parse. */
    private void undoInReverse(List<Object> stepsAndNotes) {
        for (int i = stepsAndNotes.size() - 2; i >= 0; i -= 2) {
            undo((Step) stepsAndNotes.get(i), stepsAndNotes.get(i + 1));
        }
    }

    private void undo(Step step, Object note) {
        switch (step) {
            case PARSE, INSERTED_PARSE, ANSWER_PARSE -> {
                if (note != null) {
                    outcomes.parseUndone((StatementNote) note);
                }
            }
            case ANSWER_CLOSE -> outcomes.closeUndone((StatementNote) note);
            case INSERTED_CLOSE -> outcomes.closeNotSent((String) note);
            default -> {
                // nothing was recorded for it
            }
        }
    }

    private Object pop() {
        Object note = notes[head];
        if (steps[head].isAction()) {
            actions--;
        }
        heldBytes -= held(note);
        notes[head] = null;
        steps[head] = null;
        head = (head + 1) % steps.length;
        size--;
        return note;
    }

    private void grow() {
        Step[] moreSteps = new Step[steps.length * 2];
        Object[] moreNotes = new Object[steps.length * 2];
        for (int i = 0; i < size; i++) {
            moreSteps[i] = steps[(head + i) % steps.length];
            moreNotes[i] = notes[(head + i) % steps.length];
        }
        steps = moreSteps;
        notes = moreNotes;
        head = 0;
    }

    /** NoticeResponse, ParameterStatus and NotificationResponse may come at any time and answer nothing. */
    private static boolean isAsynchronous(byte type) {
        return type == MessageTypes.NOTICE_RESPONSE || type == MessageTypes.PARAMETER_STATUS
                || type == MessageTypes.NOTIFICATION_RESPONSE;
    }

    private static boolean isTag(Buffer head, String tag) {
        if (head.length() != tag.length() + 1 || head.getByte(tag.length()) != 0) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (head.getByte(i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
