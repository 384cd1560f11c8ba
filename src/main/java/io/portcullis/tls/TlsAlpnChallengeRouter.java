package io.portcullis.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Sits in front of the listener's TLS handler on a direct-TLS connection while a TLS-ALPN-01 challenge waits, and
 * reads the whole ClientHello first ({@link SslClientHelloHandler} collects it, at most {@value #MAX_CLIENT_HELLO}
 * bytes). A hello offering ALPN {@value TlsAlpnChallenges#ALPN_ACME_TLS} is the CA validating a name: it is answered
 * with that name's challenge certificate by a TLS handler of its own, and the connection is closed once the handshake
 * ends (RFC 8737 §3: nothing is exchanged after it), or at once when no challenge waits for the name. Any other hello
 * goes on, bytes unchanged, to the listener's TLS handler, as if this handler had never been there.
 *
 * <p>The listener's own TLS handler ({@link ListenerTlsContext}'s) stays behind the challenge's and never sees a byte; its handshake
 * fails when the connection closes, which {@link #validation} tells apart from a client's failed handshake.
 */
final class TlsAlpnChallengeRouter extends SslClientHelloHandler<TlsAlpnChallengeCertificate> {

    /**
     * Several times any real ClientHello (one with post-quantum key shares and a session ticket is a few KiB), one TLS
     * record's worth, far below the 16 MiB a hello's length field allows: what a connection may make the gateway hold
     * before its handshake, about what the TLS engine itself holds for one record.
     */
    static final int MAX_CLIENT_HELLO = 16 * 1024;

    static final String NAME = "portcullis-acme-tls-alpn";

    /** Why a validation ends without a certificate; never logged, so one instance serves. */
    private static final IllegalStateException NO_CHALLENGE = new IllegalStateException("no TLS-ALPN-01 challenge waits for that name");

    private final TlsAlpnChallenges challenges;
    /** Set once the hello offered acme-tls/1: how the handshake that follows ends. */
    private volatile TlsAlpnChallengeAnswered validation;

    TlsAlpnChallengeRouter(TlsAlpnChallenges challenges) {
        super(MAX_CLIENT_HELLO);
        this.challenges = challenges;
    }

    /** What this connection was when it was an ACME validation (answered or refused), else null: a PostgreSQL client. */
    TlsAlpnChallengeAnswered validation() {
        return validation;
    }

    @Override
    protected Future<TlsAlpnChallengeCertificate> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        ClientHelloFields hello = ClientHelloFields.read(clientHello);
        if (!hello.offers(TlsAlpnChallenges.ALPN_ACME_TLS)) {
            return ctx.executor().newSucceededFuture(null);
        }
        validation = new TlsAlpnChallengeAnswered(hello.serverName(), false);
        if (hello.serverName() == null) {
            return ctx.executor().newFailedFuture(NO_CHALLENGE);
        }
        // Completed on this channel's event loop, later when the certificate is still being made; reads wait meanwhile.
        Promise<TlsAlpnChallengeCertificate> certificate = ctx.executor().newPromise();
        challenges.certificateFor(hello.serverName()).whenComplete((made, failure) -> {
            if (made != null) {
                certificate.trySuccess(made);
            } else {
                certificate.tryFailure(failure != null ? failure : NO_CHALLENGE);
            }
        });
        return certificate;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<TlsAlpnChallengeCertificate> future) {
        if (!ctx.channel().isActive()) {
            return; // the CA gave up while the certificate was being made
        }
        if (!future.isSuccess()) {
            ctx.close(); // a validation for a name nothing waits for: no certificate to show
            return;
        }
        TlsAlpnChallengeCertificate certificate = future.getNow();
        if (certificate == null) {
            ctx.pipeline().remove(this); // what was read goes on to the listener's TLS handler
            return;
        }
        validation = new TlsAlpnChallengeAnswered(validation.serverName(), true);
        // The end first, so that it is in place before the challenge's handler sees the hello (forwarded on replace).
        ctx.pipeline().addAfter(ctx.name(), NAME + "-end", new ChallengeEnd());
        SslHandler handler = certificate.context().newHandler(ctx.alloc());
        ctx.pipeline().replace(this, NAME + "-handshake", handler);
    }

    /** A hello that is no TLS at all, or longer than {@link #MAX_CLIENT_HELLO}: the connection ends. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Behind the challenge's TLS handler: takes its handshake's end, and anything decrypted after it, out of the
     * pipeline (the listener's TLS handler further on must not see them), and closes the connection.
     */
    private static final class ChallengeEnd extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
            ctx.close();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // nothing for the handlers further on
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
