package io.portcullis.pool;

import io.portcullis.auth.BackendLogin;
import io.portcullis.auth.BackendLoginException;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.tls.BackendTlsFailure;
import io.portcullis.tls.VertxTls;
import io.portcullis.wire.Frame;
import io.portcullis.wire.FrameDecoder;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.BackendKeyData;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.ParameterStatus;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens a connection to a backend and logs in with the database's configured credentials,
 * answering whatever the backend asks (cleartext for QuestDB, md5 or SCRAM for PostgreSQL).
 * Completes with a ready {@link ServerConnection} after the backend's first ReadyForQuery, or
 * fails with a {@link BackendUnavailable} that says which database, host and port, and why.
 *
 * <p>TLS first, as libpq does, unless serverTls is {@code disable}: an SSLRequest, and on the backend's
 * one-byte answer {@code S} the handshake ({@link VertxTls#upgradeToBackendTls}); on {@code N} (QuestDB)
 * {@code prefer} carries on in plain text and the other modes refuse. The answer must come alone: bytes
 * after it were sent before encryption and could be a man in the middle's (CVE-2021-23222), so they fail
 * the login.
 */
final class ServerLogin {

    private final Vertx vertx;
    private final NetClient client;
    private final DatabaseConfig db;
    private final String password;
    private final Duration loginTimeout;
    private final long id;

    private final Promise<ServerConnection> result = Promise.promise();
    private final FrameDecoder decoder = new FrameDecoder(FrameDecoder.MAX_BACKEND_LOGIN_FRAME_LENGTH);
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private BackendLogin login;
    private NetSocket socket;
    /** Until the TLS handshake is over, failures are described as TLS failures. */
    private boolean negotiatingTls;
    private int processId;
    private int secretKey;
    private long timer = -1;

    ServerLogin(Vertx vertx, NetClient client, DatabaseConfig db, String password, Duration loginTimeout, long id) {
        this.vertx = vertx;
        this.client = client;
        this.db = db;
        this.password = password;
        this.loginTimeout = loginTimeout;
        this.id = id;
    }

    /** Must be called on the context the connection should live on (the borrower's event loop). */
    Future<ServerConnection> start() {
        client.connect(db.port(), db.host()).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(BackendUnavailable.connect(db, ar.cause()));
                return;
            }
            socket = ar.result();
            timer = vertx.setTimer(loginTimeout.toMillis(), t -> fail(BackendUnavailable.refused(db,
                    "no answer to the login within " + readable(loginTimeout) + " (serverLoginTimeout)")));
            socket.closeHandler(v -> fail(negotiatingTls
                    ? BackendUnavailable.tls(db, "the backend closed the connection during the TLS negotiation")
                    : BackendUnavailable.refused(db, "the backend closed the connection during login")));
            socket.exceptionHandler(e -> fail(negotiatingTls || BackendTlsFailure.isTls(e)
                    ? BackendUnavailable.tls(db, BackendTlsFailure.describe(e, db.host()))
                    : BackendUnavailable.connect(db, e)));
            if (db.serverTls().requestsTls()) {
                negotiatingTls = true;
                socket.handler(this::onTlsAnswer);
                socket.write(FrontendMessages.sslRequest());
            } else {
                sendStartup();
            }
        });
        return result.future();
    }

    /** The backend's answer to the SSLRequest: one byte, alone. */
    private void onTlsAnswer(Buffer answer) {
        if (result.future().isComplete()) {
            return;
        }
        byte code = answer.getByte(0);
        if (answer.length() > 1) {
            fail(BackendUnavailable.tls(db, "the backend sent " + (answer.length() - 1) + " unexpected byte(s) after its "
                    + "answer to the TLS request, before any encryption (a man in the middle?)"));
            return;
        }
        switch (code) {
            case MessageTypes.SSL_ACCEPT -> {
                socket.handler(this::onData);
                VertxTls.upgradeToBackendTls(socket, db.host()).onComplete(done -> {
                    if (done.failed()) {
                        fail(BackendUnavailable.tls(db, BackendTlsFailure.describe(done.cause(), db.host())));
                    } else if (!result.future().isComplete()) {
                        negotiatingTls = false;
                        sendStartup();
                    }
                });
            }
            case MessageTypes.SSL_REJECT -> {
                if (db.serverTls().requiresTls()) {
                    fail(BackendUnavailable.tls(db, "the backend does not support TLS (it answered N to the TLS request)"));
                } else {
                    negotiatingTls = false;
                    socket.handler(this::onData);
                    sendStartup();
                }
            }
            case MessageTypes.ERROR_RESPONSE -> fail(BackendUnavailable.tls(db, "the backend answered the TLS request "
                    + "with an error; it does not support TLS (or is not a PostgreSQL-wire server)"));
            default -> fail(BackendUnavailable.tls(db, String.format("the backend answered the TLS request with 0x%02x, "
                    + "neither S nor N: is it a PostgreSQL-wire server?", code & 0xff)));
        }
    }

    private void sendStartup() {
        socket.handler(this::onData);
        login = new BackendLogin(db.user(), password);
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", db.user());
        startup.put("database", db.dbname());
        socket.write(FrontendMessages.startupMessage(startup));
    }

    /** "3 s", or "500 ms" where whole seconds would round a short timeout down to "0 s". */
    private static String readable(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void onData(Buffer chunk) {
        try {
            decoder.offer(chunk);
            Frame frame;
            while ((frame = decoder.next()) != null) {
                if (onFrame(frame)) {
                    return;
                }
            }
        } catch (BackendLoginException e) {
            fail(BackendUnavailable.refused(db, e.getMessage()));
        } catch (ProtocolViolation e) {
            fail(BackendUnavailable.refused(db, "the backend broke the protocol: " + e.getMessage()));
        }
    }

    /** @return true once the login is over (ready or failed). */
    private boolean onFrame(Frame frame) throws BackendLoginException {
        switch (frame.type()) {
            case MessageTypes.AUTHENTICATION -> {
                Buffer body = frame.body();
                int code = body.getInt(0);
                byte[] data = body.getBytes(4, body.length());
                if (code == MessageTypes.AUTH_SASL_CONTINUE) {
                    // The client-final message needs PBKDF2 of the password: not on an event loop.
                    // The backend sends nothing more until it gets our answer.
                    vertx.<BackendLogin.Step>executeBlocking(() -> login.onAuthenticationRequest(code, data), false)
                            .onComplete(ar -> {
                                if (ar.failed()) {
                                    fail(BackendUnavailable.refused(db, ar.cause().getMessage()));
                                } else {
                                    send(ar.result());
                                }
                            });
                } else {
                    send(login.onAuthenticationRequest(code, data));
                }
            }
            case MessageTypes.PARAMETER_STATUS -> {
                ParameterStatus status = MessageReader.parameterStatus(frame.body());
                parameters.put(status.name(), status.value());
            }
            case MessageTypes.BACKEND_KEY_DATA -> {
                BackendKeyData key = MessageReader.backendKeyData(frame.body());
                processId = key.processId();
                secretKey = key.secretKey().length() >= 4 ? key.secretKey().getInt(0) : 0;
            }
            case MessageTypes.ERROR_RESPONSE -> {
                fail(BackendUnavailable.refused(db, MessageReader.errorMessage(MessageReader.errorFields(frame.body()))));
                return true;
            }
            case MessageTypes.READY_FOR_QUERY -> {
                succeed();
                return true;
            }
            default -> {
                // NoticeResponse and NegotiateProtocolVersion during login carry nothing we need.
            }
        }
        return false;
    }

    private void send(BackendLogin.Step step) {
        if (step instanceof BackendLogin.Step.Send message) {
            byte[] body = message.body();
            socket.write(Buffer.buffer(body.length + MessageTypes.HEADER_LENGTH)
                    .appendByte(message.type()).appendInt(body.length + 4).appendBytes(body));
        }
    }

    private void succeed() {
        vertx.cancelTimer(timer);
        if (decoder.remainder().length() > 0) {
            fail(BackendUnavailable.refused(db, "the backend sent data after its first ReadyForQuery"));
            return;
        }
        ServerConnection conn = new ServerConnection(id, socket, Vertx.currentContext(), db, parameters, processId, secretKey);
        if (!result.tryComplete(conn)) {
            conn.close();
        }
    }

    private void fail(BackendUnavailable error) {
        vertx.cancelTimer(timer);
        if (result.tryFail(error) && socket != null) {
            socket.close();
        }
    }
}
