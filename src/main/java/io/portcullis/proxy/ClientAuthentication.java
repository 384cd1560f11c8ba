package io.portcullis.proxy;

import io.portcullis.auth.AuthenticationFailure;
import io.portcullis.auth.Md5Challenge;
import io.portcullis.auth.ScramServerExchange;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.UserConfig;
import io.portcullis.net.InboundBytes;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.BodyReader;
import io.portcullis.wire.Frame;
import io.portcullis.wire.FrameDecoder;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SaslInitialResponse;
import io.portcullis.wire.SqlState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The password exchange of one client login: SCRAM-SHA-256 for SCRAM users, md5 for md5 users.
 * An unknown user gets a SCRAM exchange that looks like any other and fails at the end with the
 * same message as a wrong password, so a login attempt never tells whether a user exists.
 */
final class ClientAuthentication {

    static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    /** Metric reasons beyond {@link AuthenticationFailure.Reason}: a method or mechanism we do not offer. */
    private static final String UNSUPPORTED_METHOD = "unsupported_method";
    private static final String WRONG_PASSWORD = "wrong_password";

    private enum Step { SASL_INITIAL, SASL_FINAL, MD5, DONE }

    private final GatewayServices services;
    private final NetSocket socket;
    private final InboundBytes inbound;
    private final String userName;
    private final UserConfig user;
    private final Consumer<UserConfig> onSuccess;
    private final BiConsumer<SqlState, String> onFailure;
    private final FrameDecoder frames = new FrameDecoder(MessageTypes.MAX_AUTH_FRAME_LENGTH);

    private Step step;
    private ScramServerExchange scram;
    private byte[] md5Salt;

    ClientAuthentication(GatewayServices services, NetSocket socket, InboundBytes inbound, String userName, UserConfig user,
                         Consumer<UserConfig> onSuccess, BiConsumer<SqlState, String> onFailure) {
        this.services = services;
        this.socket = socket;
        this.inbound = inbound;
        this.userName = userName;
        this.user = user;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    void begin() {
        if (user != null && user.auth() == AuthMethod.MD5 && user.md5Hash() != null) {
            md5Salt = Md5Challenge.newSalt(services.random());
            step = Step.MD5;
            socket.write(BackendMessages.authenticationMd5Password(md5Salt));
            return;
        }
        if (user != null && user.auth() == AuthMethod.CERT) {
            step = Step.DONE;
            String refusal = services.tls().certificateLoginRefusal(socket, userName);
            if (refusal == null) {
                onSuccess.accept(user);
            } else {
                services.events().authenticationFailed(UNSUPPORTED_METHOD);
                onFailure.accept(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "certificate authentication failed for user \"" + userName + "\": " + refusal);
            }
            return;
        }
        scram = ScramServerExchange.forUser(userName, user == null ? null : user.scramVerifier(),
                services.mockScramSecret(), services.scramIterations(), services.random());
        step = Step.SASL_INITIAL;
        socket.write(BackendMessages.authenticationSasl(List.of(SCRAM_SHA_256)));
    }

    void onData(Buffer chunk) {
        frames.offer(chunk);
        Frame frame;
        while (step != Step.DONE && (frame = frames.next()) != null) {
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

    private void onPasswordMessage(Buffer body) {
        try {
            switch (step) {
                case SASL_INITIAL -> {
                    SaslInitialResponse initial = MessageReader.saslInitialResponse(body);
                    if (!SCRAM_SHA_256.equals(initial.mechanism())) {
                        step = Step.DONE;
                        services.events().authenticationFailed(UNSUPPORTED_METHOD);
                        onFailure.accept(SqlState.PROTOCOL_VIOLATION, "SASL mechanism \"" + initial.mechanism()
                                + "\" is not supported; use " + SCRAM_SHA_256);
                        return;
                    }
                    byte[] serverFirst = scram.clientFirst(initial.data());
                    step = Step.SASL_FINAL;
                    socket.write(BackendMessages.authenticationSaslContinue(serverFirst));
                }
                case SASL_FINAL -> {
                    byte[] serverFinal = scram.clientFinal(body.getBytes());
                    step = Step.DONE;
                    socket.write(BackendMessages.authenticationSaslFinal(serverFinal));
                    onSuccess.accept(user);
                }
                case MD5 -> {
                    String response = new BodyReader(body, "PasswordMessage").readCString();
                    step = Step.DONE;
                    if (response != null && Md5Challenge.verify(user.md5Hash(), md5Salt, response)) {
                        onSuccess.accept(user);
                    } else {
                        services.events().authenticationFailed(WRONG_PASSWORD);
                        failPassword();
                    }
                }
                default -> throw new ProtocolViolation("unexpected password message");
            }
        } catch (AuthenticationFailure e) {
            step = Step.DONE;
            services.events().authenticationFailed(e.reason().name().toLowerCase(Locale.ROOT));
            failPassword();
        }
    }

    /**
     * Answers {@code 28P01} after the login throttle's delay, the same way for every reason (unknown
     * user, wrong password, malformed exchange), so a guesser pays the delay and learns nothing from it.
     * Reading is paused meanwhile: at most a few reads of what the client sends are held, none acted on.
     */
    private void failPassword() {
        String clientAddress = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
        Duration delay = services.loginThrottle().failed(userName, clientAddress);
        services.events().loginFailureDelayed(delay);
        if (delay.isZero()) {
            onFailure.accept(SqlState.INVALID_PASSWORD, AuthenticationFailure.clientMessage(userName));
            return;
        }
        inbound.pause();
        services.vertx().setTimer(Math.max(1, delay.toMillis()),
                t -> onFailure.accept(SqlState.INVALID_PASSWORD, AuthenticationFailure.clientMessage(userName)));
    }
}
