package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * Test harness: one client session's {@link StatementMapping} between a client and a server
 * connection, recording every byte each side receives (the gateway's own answers included).
 */
final class Session {

    final StatementMapping mapping;
    /** Everything the server connections were sent, and everything the client was sent. */
    Buffer server = Buffer.buffer();
    Buffer client = Buffer.buffer();
    /** The buffers the last {@link #fromClient}/{@link #fromServer} call produced, to check identity. */
    Buffer lastOut;

    Session(int capacity, ServerStatementCache cache) {
        mapping = new StatementMapping(capacity);
        mapping.attach(cache);
    }

    /** The session gets another server connection. */
    void attach(ServerStatementCache cache) {
        mapping.attach(cache);
    }

    /** One client chunk; returns the frames the server received for it. */
    List<String> fromClient(Buffer chunk) {
        int before = server.length();
        send(chunk);
        return Wire.frontend(server.slice(before, server.length()));
    }

    /** One client chunk, which may end inside a frame. */
    void send(Buffer chunk) {
        lastOut = mapping.toServer(chunk);
        server.appendBuffer(lastOut);
        Buffer answers = mapping.answersDue();
        if (answers != null) {
            client.appendBuffer(answers);
        }
    }

    List<String> fromClient(Buffer... frames) {
        return fromClient(Wire.join(frames));
    }

    /** One server chunk; returns everything the client has received so far, named. */
    List<String> fromServer(Buffer chunk) {
        receive(chunk);
        return clientSaw();
    }

    /** One server chunk, which may end inside a frame. */
    void receive(Buffer chunk) {
        lastOut = mapping.toClient(chunk);
        client.appendBuffer(lastOut);
    }

    List<String> fromServer(Buffer... frames) {
        return fromServer(Wire.join(frames));
    }

    List<String> clientSaw() {
        return Wire.backend(client);
    }

    /** Forgets what the client received so far, to read the next exchange on its own. */
    void clientRead() {
        client = Buffer.buffer();
    }
}
