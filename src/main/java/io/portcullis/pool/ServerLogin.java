package io.portcullis.pool;

import io.portcullis.auth.BackendLogin;
import io.portcullis.auth.BackendLoginException;
import io.portcullis.auth.PassthroughSecret;
import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.TargetSessionAttrs;
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
 *
 * <p>One login goes to one address of the database ({@code at}; a database with several hosts makes one login per
 * host tried, see {@link HostAttempts}). With a target session attribute to check, the login is over only after the
 * check: {@code SHOW transaction_read_only} (read-write, read-only) or {@code SELECT pg_catalog.pg_is_in_recovery()}
 * (primary, standby) as a simple Query after the first ReadyForQuery, as libpq 14 does; a host whose answer does not
 * match fails with {@link BackendUnavailable#mismatch} and its connection is closed.
 */
final class ServerLogin {

    private final Vertx vertx;
    private final NetClient client;
    private final DatabaseConfig db;
    private final BackendHost at;
    /** What to check after the login: never prefer-standby ({@link HostAttempts} turns it into standby, then any). */
    private final TargetSessionAttrs check;
    private final String password;
    /** For a user looked up in the backend: what its client's login gave away, used instead of a password. */
    private final PassthroughSecret passthrough;
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
    /** The check query was sent; its answer is awaited. */
    private boolean checking;
    private String checkValue;
    private String checkError;

    /** A login to the first host of {@code db}, no target session attribute to check. */
    ServerLogin(Vertx vertx, NetClient client, DatabaseConfig db, String password, Duration loginTimeout, long id) {
        this(vertx, client, db, db.backendHosts().get(0), TargetSessionAttrs.ANY, password, null, loginTimeout, id);
    }

    /** @param passthrough what a user looked up in the backend logs in with instead of {@code password}, or null */
    ServerLogin(Vertx vertx, NetClient client, DatabaseConfig db, BackendHost at, TargetSessionAttrs check, String password,
                PassthroughSecret passthrough, Duration loginTimeout, long id) {
        if (check == TargetSessionAttrs.PREFER_STANDBY) {
            throw new IllegalArgumentException("prefer-standby is resolved by the host attempts");
        }
        this.vertx = vertx;
        this.client = client;
        this.db = db;
        this.at = at;
        this.check = check;
        this.password = password;
        this.passthrough = passthrough;
        this.loginTimeout = loginTimeout;
        this.id = id;
    }

    /** Must be called on the context the connection should live on (the borrower's event loop). */
    Future<ServerConnection> start() {
        client.connect(at.port(), at.host()).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(BackendUnavailable.connect(db, at, ar.cause()));
                return;
            }
            socket = ar.result();
            timer = vertx.setTimer(loginTimeout.toMillis(), t -> fail(BackendUnavailable.refused(db, at,
                    "no answer to the login within " + readable(loginTimeout) + " (serverLoginTimeout)")));
            socket.closeHandler(v -> fail(negotiatingTls
                    ? BackendUnavailable.tls(db, at, "the backend closed the connection during the TLS negotiation")
                    : BackendUnavailable.refused(db, at, "the backend closed the connection during login")));
            socket.exceptionHandler(e -> fail(negotiatingTls || BackendTlsFailure.isTls(e)
                    ? BackendUnavailable.tls(db, at, BackendTlsFailure.describe(e, at.host()))
                    : BackendUnavailable.connect(db, at, e)));
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
            fail(BackendUnavailable.tls(db, at, "the backend sent " + (answer.length() - 1) + " unexpected byte(s) after its "
                    + "answer to the TLS request, before any encryption (a man in the middle?)"));
            return;
        }
        switch (code) {
            case MessageTypes.SSL_ACCEPT -> {
                socket.handler(this::onData);
                VertxTls.upgradeToBackendTls(socket, at.host()).onComplete(done -> {
                    if (done.failed()) {
                        fail(BackendUnavailable.tls(db, at, BackendTlsFailure.describe(done.cause(), at.host())));
                    } else if (!result.future().isComplete()) {
                        negotiatingTls = false;
                        sendStartup();
                    }
                });
            }
            case MessageTypes.SSL_REJECT -> {
                if (db.serverTls().requiresTls()) {
                    fail(BackendUnavailable.tls(db, at, "the backend does not support TLS (it answered N to the TLS request)"));
                } else {
                    negotiatingTls = false;
                    socket.handler(this::onData);
                    sendStartup();
                }
            }
            case MessageTypes.ERROR_RESPONSE -> fail(BackendUnavailable.tls(db, at, "the backend answered the TLS request "
                    + "with an error; it does not support TLS (or is not a PostgreSQL-wire server)"));
            default -> fail(BackendUnavailable.tls(db, at, String.format("the backend answered the TLS request with 0x%02x, "
                    + "neither S nor N: is it a PostgreSQL-wire server?", code & 0xff)));
        }
    }

    private void sendStartup() {
        socket.handler(this::onData);
        login = passthrough != null ? BackendLogin.passingThrough(db.user(), passthrough)
                : new BackendLogin(db.user(), password);
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
            fail(BackendUnavailable.refused(db, at, e.getMessage()));
        } catch (ProtocolViolation e) {
            fail(BackendUnavailable.refused(db, at, "the backend broke the protocol: " + e.getMessage()));
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
                                    fail(BackendUnavailable.refused(db, at, ar.cause().getMessage()));
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
                String message = MessageReader.errorMessage(MessageReader.errorFields(frame.body()));
                if (checking) {
                    checkError = message; // the ReadyForQuery that follows ends the check
                    return false;
                }
                fail(BackendUnavailable.refused(db, at, message));
                return true;
            }
            case MessageTypes.DATA_ROW -> {
                if (checking && checkValue == null) {
                    checkValue = firstColumn(frame.body());
                }
            }
            case MessageTypes.READY_FOR_QUERY -> {
                if (checking) {
                    checked();
                    return true;
                }
                if (check != TargetSessionAttrs.ANY) {
                    if (decoder.remainder().length() > 0) {
                        fail(BackendUnavailable.refused(db, at, "the backend sent data after its first ReadyForQuery"));
                        return true;
                    }
                    checking = true;
                    socket.write(FrontendMessages.query(checkQuery()));
                    return false;
                }
                succeed();
                return true;
            }
            default -> {
                // NoticeResponse and NegotiateProtocolVersion during login carry nothing we need.
            }
        }
        return false;
    }

    /** libpq 14's queries: the read-only setting for read-write/read-only, recovery for primary/standby. */
    private String checkQuery() {
        return check == TargetSessionAttrs.READ_WRITE || check == TargetSessionAttrs.READ_ONLY
                ? "SHOW transaction_read_only" : "SELECT pg_catalog.pg_is_in_recovery()";
    }

    /** The text of a DataRow's first column, or null when it is NULL or missing. */
    private static String firstColumn(Buffer row) {
        if (row.length() < 6 || row.getShort(0) < 1) {
            return null;
        }
        int length = row.getInt(2);
        return length < 0 || 6 + length > row.length() ? null
                : row.getString(6, 6 + length, java.nio.charset.StandardCharsets.UTF_8.name());
    }

    /** The check query's answer is in: keep the connection when it matches, else close it. */
    private void checked() {
        boolean byRecovery = check == TargetSessionAttrs.PRIMARY || check == TargetSessionAttrs.STANDBY;
        if (checkError != null || checkValue == null) {
            String asked = byRecovery ? "SELECT pg_catalog.pg_is_in_recovery()" : "SHOW transaction_read_only";
            fail(BackendUnavailable.mismatch(db, at, check, "it cannot answer " + asked + " ("
                    + (checkError != null ? checkError : "no value") + ")"
                    + (byRecovery ? "" : "; read-write and read-only need a PostgreSQL backend (QuestDB has no "
                    + "transaction_read_only: use any, primary or prefer-standby there)")));
            return;
        }
        boolean on = "on".equalsIgnoreCase(checkValue) || "t".equalsIgnoreCase(checkValue) || "true".equalsIgnoreCase(checkValue);
        boolean matches = switch (check) {
            case READ_WRITE, PRIMARY -> !on;
            case READ_ONLY, STANDBY -> on;
            default -> true;
        };
        if (!matches) {
            fail(BackendUnavailable.mismatch(db, at, check, byRecovery
                    ? (on ? "it is a standby (pg_is_in_recovery() = t)" : "it is not a standby (pg_is_in_recovery() = f)")
                    : (on ? "it is read-only (transaction_read_only = on)" : "it is not read-only (transaction_read_only = off)")));
            return;
        }
        succeed();
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
            fail(BackendUnavailable.refused(db, at, "the backend sent data after its first ReadyForQuery"));
            return;
        }
        ServerConnection conn = new ServerConnection(id, socket, Vertx.currentContext(), db, at, parameters, processId, secretKey);
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
