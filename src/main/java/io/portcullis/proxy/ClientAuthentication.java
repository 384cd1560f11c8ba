package io.portcullis.proxy;

import io.portcullis.auth.AuthenticationFailure;
import io.portcullis.auth.CleartextPassword;
import io.portcullis.auth.PassthroughSecret;
import io.portcullis.auth.LoginThrottle;
import io.portcullis.auth.Md5Challenge;
import io.portcullis.auth.ScramServerExchange;
import io.portcullis.auth.UserNames;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.UserConfig;
import io.portcullis.net.ClientStream;
import io.portcullis.net.InboundBytes;
import io.portcullis.net.OutboundBytes;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.BodyReader;
import io.portcullis.wire.Frame;
import io.portcullis.wire.FrameDecoder;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SaslInitialResponse;
import io.portcullis.wire.SqlState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The password exchange of one client login: SCRAM-SHA-256 for SCRAM users, md5 for md5 users, or, where the
 * session asks for it (a WebSocket inside HTTPS, {@code portcullis.websocket.cleartext-password}), the password
 * itself, checked against what either stores ({@link CleartextPassword}).
 * An unknown user gets an exchange that looks like any other and fails at the end with the
 * same message as a wrong password, so a login attempt never tells whether a user exists.
 *
 * <p>The proof (SCRAM client-final, md5 response) is checked when the {@link LoginThrottle} allows: after any
 * back-off of the user or the client address, one check of a user at a time. The answer follows the check at
 * once, so a right and a wrong password are answered after the same wait. Reading is paused meanwhile. If the
 * client leaves while its proof waits, the proof is still checked, and a failure counted and logged, when its
 * turn comes: leaving early must not be a way round the count.
 */
final class ClientAuthentication {

    /** Metric reason beyond {@link AuthenticationFailure.Reason}: a method or mechanism we do not offer. */
    private static final String UNSUPPORTED_METHOD = "unsupported_method";

    /** How a login ends when it does not succeed. */
    @FunctionalInterface
    interface Refusal {
        /**
         * @param code          the SQLSTATE the client gets
         * @param clientMessage what the client is told
         * @param logDetail     what only the operator may read (the log), or null
         */
        void refuse(SqlState code, String clientMessage, String logDetail);
    }

    /** The proof of one login, checked when the throttle allows. */
    @FunctionalInterface
    private interface Proof {
        /** @return the AuthenticationSASLFinal data to send before AuthenticationOk, or null (md5) */
        byte[] check() throws AuthenticationFailure;
    }

    private enum Step { SASL_INITIAL, SASL_FINAL, MD5, CLEARTEXT, CHECKING, DONE }

    private final GatewayServices services;
    private final ClientStream stream;
    private final InboundBytes inbound;
    private final OutboundBytes outbound;
    private final boolean cleartext;
    private final Context context;
    private final String userName;
    private final UserConfig user;
    private final Consumer<UserConfig> onSuccess;
    private final Refusal onFailure;
    private final FrameDecoder frames = new FrameDecoder(FrameDecoder.MAX_AUTH_FRAME_LENGTH);

    private Step step;
    private ScramServerExchange scram;
    private byte[] md5Salt;
    private LoginThrottle.Attempt attempt;
    private Proof proof;
    /** The cleartext check runs on a worker: a key derivation takes milliseconds, too long for an event loop. */
    private boolean proofOnWorker;
    /**
     * Reading is paused while the proof waits for the throttle or a worker; once it waited, the user is looked up
     * again before it is let in.
     */
    private boolean pausedForThrottle;
    private boolean clientGone;
    /** The user was looked up in the backend ({@link BackendUsers}), not read from the configuration. */
    private final boolean lookedUp;
    /** What a checked cleartext password gave (on a worker): the passthrough secret of a user looked up. */
    private volatile PassthroughSecret fromCleartext;

    /**
     * @param user      the configured user, or null when there is none (or {@code userName} is too long to be one)
     * @param cleartext whether password users are asked for the password itself rather than a SCRAM or md5 proof
     * @param lookedUp  whether {@code user} came from the database's backend lookup rather than the configuration
     */
    ClientAuthentication(GatewayServices services, ClientStream stream, InboundBytes inbound, OutboundBytes outbound,
                         String userName, UserConfig user, boolean cleartext, boolean lookedUp,
                         Consumer<UserConfig> onSuccess, Refusal onFailure) {
        this.lookedUp = lookedUp;
        this.services = services;
        this.stream = stream;
        this.inbound = inbound;
        this.outbound = outbound;
        this.cleartext = cleartext;
        this.context = Vertx.currentContext();
        this.userName = userName;
        this.user = user;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    /**
     * Starts the exchange.
     *
     * @param early what the client sent right behind its startup packet: a pipelined password (Neon's driver), or,
     *              for a user that needs none (a certificate login), the first messages of its session
     */
    void begin(Buffer early) {
        if (early.length() > 0) {
            frames.offer(early);
        }
        askForProof();
        readFrames();
    }

    private void askForProof() {
        if (user != null && user.auth() == AuthMethod.CERT) {
            step = Step.DONE;
            String refusal = services.tls().certificateLoginRefusal(stream.tlsSession(), userName);
            if (refusal == null) {
                onSuccess.accept(user);
            } else {
                services.events().authenticationFailed(UNSUPPORTED_METHOD);
                onFailure.refuse(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "certificate authentication failed for user \"" + userName + "\": " + refusal, null);
            }
            return;
        }
        if (cleartext) {
            step = Step.CLEARTEXT;
            outbound.write(BackendMessages.authenticationCleartextPassword());
            return;
        }
        if (user != null && user.auth() == AuthMethod.MD5 && user.md5Hash() != null) {
            md5Salt = Md5Challenge.newSalt(services.random());
            step = Step.MD5;
            outbound.write(BackendMessages.authenticationMd5Password(md5Salt));
            return;
        }
        scram = ScramServerExchange.forUser(userName, user == null ? null : user.scramVerifier(),
                services.mockScramSecret(), services.scramIterations(), services.random());
        step = Step.SASL_INITIAL;
        outbound.write(BackendMessages.authenticationSasl(List.of(MessageTypes.SCRAM_SHA_256)));
    }

    /**
     * After a successful exchange: what it lets Portcullis log in to the backend with as this user (SCRAM passthrough),
     * for a user looked up in the backend.
     */
    PassthroughSecret passthroughSecret() {
        if (step != Step.DONE || user == null || user.auth() == AuthMethod.CERT) {
            throw new IllegalStateException("no successful password login to pass through");
        }
        if (fromCleartext != null) {
            return fromCleartext;
        }
        return user.auth() == AuthMethod.MD5 ? new PassthroughSecret.Md5Hash(user.md5Hash()) : scram.passthroughKeys();
    }

    void onData(Buffer chunk) {
        frames.offer(chunk);
        readFrames();
    }

    private void readFrames() {
        Frame frame;
        while (awaitingPasswordMessage() && (frame = frames.next()) != null) {
            if (frame.type() != MessageTypes.PASSWORD) {
                throw new ProtocolViolation("expected a password message during authentication, got '"
                        + (char) frame.type() + "'");
            }
            onPasswordMessage(frame.body());
        }
    }

    /** Bytes the client sent after its last authentication message (normally none). */
    Buffer remainder() {
        return frames.remainder();
    }

    /**
     * The client connection is gone. A proof already holding its place in the throttle is still checked (and a
     * failure counted and logged) when its turn comes; one still waiting in line for a place is dropped unchecked.
     */
    void clientClosed() {
        clientGone = true;
        if (step == Step.CHECKING && attempt != null && !attempt.admitted()) {
            step = Step.DONE;
            attempt.abandon();
        }
    }

    private boolean awaitingPasswordMessage() {
        return step == Step.SASL_INITIAL || step == Step.SASL_FINAL || step == Step.MD5 || step == Step.CLEARTEXT;
    }

    private void onPasswordMessage(Buffer body) {
        switch (step) {
            case SASL_INITIAL -> {
                SaslInitialResponse initial = MessageReader.saslInitialResponse(body);
                if (!MessageTypes.SCRAM_SHA_256.equals(initial.mechanism())) {
                    step = Step.DONE;
                    services.events().authenticationFailed(UNSUPPORTED_METHOD);
                    onFailure.refuse(SqlState.PROTOCOL_VIOLATION, "SASL mechanism \"" + initial.mechanism()
                            + "\" is not supported; use " + MessageTypes.SCRAM_SHA_256, null);
                    return;
                }
                byte[] serverFirst;
                try {
                    serverFirst = scram.clientFirst(initial.data());
                } catch (AuthenticationFailure e) {
                    // A broken client-first costs what a wrong password costs: counted, after the back-off.
                    checkWhenAllowed(() -> {
                        throw e;
                    });
                    return;
                }
                step = Step.SASL_FINAL;
                outbound.write(BackendMessages.authenticationSaslContinue(serverFirst));
            }
            case SASL_FINAL -> {
                byte[] clientFinal = body.getBytes();
                checkWhenAllowed(() -> scram.clientFinal(clientFinal));
            }
            case MD5 -> {
                String response = new BodyReader(body, "PasswordMessage").readCString();
                checkWhenAllowed(() -> {
                    if (response == null || !Md5Challenge.verify(user.md5Hash(), md5Salt, response)) {
                        throw new AuthenticationFailure(AuthenticationFailure.Reason.WRONG_PASSWORD,
                                "md5 response does not match the stored hash");
                    }
                    return null;
                });
            }
            case CLEARTEXT -> {
                String password = new BodyReader(body, "PasswordMessage").readCString();
                String md5 = user != null && user.auth() == AuthMethod.MD5 ? user.md5Hash() : null;
                String verifier = user == null ? null : user.scramVerifier();
                proofOnWorker = true;
                checkWhenAllowed(() -> {
                    if (password == null) {
                        throw new AuthenticationFailure(AuthenticationFailure.Reason.MALFORMED_MESSAGE,
                                "the password message carries no password");
                    }
                    fromCleartext = CleartextPassword.check(userName, password, md5, verifier,
                            services.mockScramSecret(), services.scramIterations());
                    return null;
                });
            }
            default -> throw new ProtocolViolation("unexpected password message");
        }
    }

    private void checkWhenAllowed(Proof pending) {
        step = Step.CHECKING;
        proof = pending;
        String throttledUser = UserNames.tooLong(userName) ? null : userName;
        String clientAddress = stream.remoteAddress() == null ? null : stream.remoteAddress().hostAddress();
        attempt = services.loginThrottle().attempt(throttledUser, clientAddress,
                () -> context.runOnContext(v -> takeTurn()));
        takeTurn();
    }

    /** Asks the throttle whether the proof may be checked now; waits (reading paused) until it may. */
    private void takeTurn() {
        if (step != Step.CHECKING) {
            return;
        }
        long wait = attempt.turn();
        if (wait == 0) {
            check();
            return;
        }
        if (!pausedForThrottle) {
            pausedForThrottle = true;
            inbound.pause();
        }
        if (wait > 0) {
            services.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)), t -> takeTurn());
        }
        // else: waiting in line; the throttle wakes us when we have a place.
    }

    private void check() {
        step = Step.DONE;
        if (!proofOnWorker) {
            finish(verdict(proof));
            return;
        }
        if (!pausedForThrottle) {
            pausedForThrottle = true;
            inbound.pause();
        }
        Proof onWorker = proof;
        io.vertx.core.Future<Verdict> checked = services.passwordChecks().submit(() -> verdict(onWorker));
        if (checked == null) {
            // Not the user's failure: its place in the throttle is given back uncounted.
            attempt.abandon();
            onFailure.refuse(SqlState.TOO_MANY_CONNECTIONS, "too many logins are being checked right now; try again",
                    "more than " + PasswordChecks.MAX_IN_FLIGHT + " cleartext passwords waited to be checked");
            return;
        }
        checked.onComplete(ar -> finish(ar.succeeded() ? ar.result() : new Verdict(null, new AuthenticationFailure(
                AuthenticationFailure.Reason.MALFORMED_MESSAGE, "the proof could not be checked: " + ar.cause()))));
    }

    /** What checking a proof found: the SCRAM server-final to send (null for other methods), or why it failed. */
    private record Verdict(byte[] serverFinal, AuthenticationFailure failure) {
    }

    private static Verdict verdict(Proof proof) {
        try {
            return new Verdict(proof.check(), null);
        } catch (AuthenticationFailure e) {
            return new Verdict(null, e);
        } catch (RuntimeException e) {
            return new Verdict(null, new AuthenticationFailure(AuthenticationFailure.Reason.MALFORMED_MESSAGE,
                    "the proof could not be checked: " + e));
        }
    }

    /** Answers the client once its proof was checked; on the session's event loop. */
    private void finish(Verdict verdict) {
        byte[] serverFinal = verdict.serverFinal();
        AuthenticationFailure failure = verdict.failure();
        attempt.checked(failure == null);
        services.events().loginThrottled(attempt.waited());
        if (pausedForThrottle && !clientGone) {
            inbound.resume();
        }
        if (failure != null) {
            services.events().authenticationFailed(failure.reason().publicName());
            String detail = UserNames.tooLong(userName)
                    ? "the user name is longer than " + UserNames.MAX_BYTES + " bytes: no user has it" : failure.getMessage();
            onFailure.refuse(SqlState.INVALID_PASSWORD, AuthenticationFailure.clientMessage(userName), detail);
            return;
        }
        if (clientGone) {
            return;
        }
        UserConfig current = user;
        if (pausedForThrottle && !lookedUp) { // a looked-up user is as fresh as the lookup's cache allows
            // The proof waited: the user may have been removed, or its password changed, meanwhile.
            current = services.store().current().user(userName).orElse(null);
            if (current == null || !Objects.equals(current.scramVerifier(), user.scramVerifier())
                    || !Objects.equals(current.md5Hash(), user.md5Hash())) {
                services.events().authenticationFailed(AuthenticationFailure.BAD_CREDENTIALS);
                onFailure.refuse(SqlState.INVALID_PASSWORD, AuthenticationFailure.clientMessage(userName),
                        "the user was removed or its password changed while its login waited for the throttle");
                return;
            }
        }
        if (serverFinal != null) {
            outbound.write(BackendMessages.authenticationSaslFinal(serverFinal));
        }
        onSuccess.accept(current);
    }
}
