package io.portcullis.admin;

import io.portcullis.proxy.AdminConsole;
import io.portcullis.proxy.ConsoleClient;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.BodyReader;
import io.portcullis.wire.Frame;
import io.portcullis.wire.FrameDecoder;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * One admin console connection after login, on its client's event loop: reads whole frames, runs
 * one simple Query at a time, answers it and then ReadyForQuery.
 *
 * <p>The extended query protocol is refused as PostgreSQL refuses a failed extended exchange: one
 * ErrorResponse 0A000, then everything up to the next Sync is skipped, and the Sync gets a
 * ReadyForQuery, so the client can go on. While a command waits (PAUSE, WAIT_CLOSE) reading stops;
 * what the client pipelined meanwhile is answered afterwards, in order.
 *
 * <p>Answers obey the client's backpressure: once its write queue is full, no further command is
 * answered (reading has stopped too) until the client has taken what was written. A client that sends
 * {@code SHOW} after {@code SHOW} and never reads costs one read's worth of commands, not their answers.
 */
final class ConsoleSession implements AdminConsole.Connection {

    /** Console commands are a few words; a frame this large is not a command. */
    static final int MAX_FRAME_LENGTH = 64 * 1024;

    private final ConsoleClient client;
    private final ConsoleCommands commands;
    private final FrameDecoder frames = new FrameDecoder(MAX_FRAME_LENGTH);
    private boolean skippingToSync;
    private boolean busy;
    private boolean closed;

    ConsoleSession(ConsoleClient client, ConsoleCommands commands) {
        this.client = client;
        this.commands = commands;
        client.whenDrained(this::handleFrames);
    }

    @Override
    public void onData(Buffer chunk) {
        frames.offer(chunk);
        handleFrames();
    }

    @Override
    public void closed() {
        closed = true;
    }

    private void handleFrames() {
        Frame frame;
        while (!busy && !closed && client.writable() && (frame = frames.next()) != null) {
            handle(frame);
        }
    }

    private void handle(Frame frame) {
        switch (frame.type()) {
            case MessageTypes.QUERY -> {
                if (!skippingToSync) {
                    query(new BodyReader(frame.body(), "Query").readCString());
                }
            }
            case MessageTypes.SYNC -> {
                skippingToSync = false;
                client.write(BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
            }
            case MessageTypes.TERMINATE -> {
                closed = true;
                client.terminate();
            }
            case MessageTypes.FLUSH -> {
                // nothing buffered to flush
            }
            case MessageTypes.PARSE, MessageTypes.BIND, MessageTypes.DESCRIBE, MessageTypes.EXECUTE,
                    MessageTypes.CLOSE, MessageTypes.FUNCTION_CALL -> refuseExtendedProtocol();
            case MessageTypes.COPY_DATA, MessageTypes.COPY_DONE, MessageTypes.COPY_FAIL -> {
                // no COPY is ever started here; PostgreSQL ignores these outside COPY too
            }
            default -> throw new ProtocolViolation("unexpected message type '" + (char) frame.type()
                    + "' on the admin console");
        }
    }

    private void refuseExtendedProtocol() {
        if (skippingToSync) {
            return;
        }
        skippingToSync = true;
        client.write(BackendMessages.errorResponse(MessageTypes.SEVERITY_ERROR, ConsoleError.FEATURE_NOT_SUPPORTED,
                "the admin console supports the simple query protocol only (pgJDBC: preferQueryMode=simple)"));
    }

    private void query(String text) {
        ConsoleCommand command;
        try {
            command = CommandParser.parse(text);
        } catch (ConsoleError e) {
            answer(BackendMessages.errorResponse(MessageTypes.SEVERITY_ERROR, e.sqlState(), e.getMessage()));
            return;
        }
        Future<Buffer> result = commands.execute(command, client);
        if (result.isComplete()) {
            answer(result.result());
            return;
        }
        busy = true;
        client.pauseReading();
        result.onComplete(ar -> client.runOnContext(() -> {
            busy = false;
            if (closed) {
                return;
            }
            answer(ar.result());
            client.resumeReading();
            handleFrames();
        }));
    }

    /** The command's answer and the ReadyForQuery that ends it, in one write. */
    private void answer(Buffer response) {
        client.write(Buffer.buffer(response.length() + 6).appendBuffer(response)
                .appendBuffer(BackendMessages.readyForQuery(MessageTypes.TX_IDLE)));
    }
}
