package io.portcullis.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose body exceeds {@code quarkus.http.limits.max-body-size} with
 * {@code 413 application/problem+json}, like every other API error.
 *
 * <p>A declared body (Content-Length) is judged before any of it is read. Quarkus enforces the same limit a
 * step later (its route at order {@value #QUARKUS_LIMIT_ORDER}) with an empty 413; this route runs just
 * before it.
 *
 * <p>A body of unknown length (HTTP/1.1 chunked) can only be judged as it streams in. Left to Quarkus REST, the reader closes the connection once the limit is passed, and the client
 * sees a reset instead of an answer. So this route reads such a body itself, keeping at most the limit in
 * memory, and hands it on whole ({@link RoutingContext#setBody}, which Quarkus REST reads instead of the
 * stream). Past the limit it answers 413 at once and discards the rest of the body, so the client reads the
 * answer rather than a reset; a client that sends more than {@value #DRAIN_FACTOR} times the limit after that
 * has its connection closed.
 */
@ApplicationScoped
public class RequestBodyLimit {

    /** The order of Quarkus's own body-size route ({@code HttpServerCommonHandlers.enforceMaxBodySize}). */
    static final int QUARKUS_LIMIT_ORDER = -2;
    static final String SETTING = "quarkus.http.limits.max-body-size";
    /** Bytes discarded after a 413, as a multiple of the limit, before the connection is closed instead. */
    static final int DRAIN_FACTOR = 8;
    private static final int STATUS = 413;

    private final long maxBodyBytes;

    public RequestBodyLimit(@ConfigProperty(name = SETTING, defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(QUARKUS_LIMIT_ORDER - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String contentLength = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (contentLength != null) {
            long declared = declaredLength(contentLength);
            if (declared <= maxBodyBytes) {
                context.next();
                return;
            }
            // The client may still be sending the body: close afterwards rather than read it.
            context.response().putHeader(HttpHeaderNames.CONNECTION, "close");
            tooLarge(context, "the request body is " + declared + " bytes");
            return;
        }
        if (hasBodyOfUnknownLength(request)) {
            readBounded(context);
        } else {
            context.next();
        }
    }

    /**
     * HTTP/1.1 with {@code Transfer-Encoding} (chunked). Not HTTP/2: there the end of a request without a body
     * is only seen after routing, and a request read to its end here cannot be handed on (Vert.x refuses to
     * pause an ended HTTP/2 stream, which Quarkus REST does first); an HTTP/2 body without Content-Length
     * meets Quarkus's own limit.
     */
    private static boolean hasBodyOfUnknownLength(HttpServerRequest request) {
        return !request.isEnded() && request.version() != HttpVersion.HTTP_2
                && request.getHeader(HttpHeaderNames.TRANSFER_ENCODING) != null;
    }

    /** Reads the body up to the limit; then either passes it on whole or answers 413 and discards the rest. */
    private void readBounded(RoutingContext context) {
        HttpServerRequest request = context.request();
        Buffer body = Buffer.buffer();
        long[] received = {0};
        request.handler(piece -> {
            received[0] += piece.length();
            if (received[0] <= maxBodyBytes) {
                body.appendBuffer(piece);
            } else if (!context.response().ended()) {
                tooLarge(context, "the request body is more than " + maxBodyBytes + " bytes");
            } else if (received[0] > maxBodyBytes * (DRAIN_FACTOR + 1)) {
                request.connection().close();
            }
        });
        request.endHandler(end -> {
            if (!context.response().ended()) {
                context.setBody(body);
                context.next();
            }
        });
        request.exceptionHandler(failure -> {
            if (!context.response().ended() && !context.failed()) {
                context.fail(failure);
            }
        });
        request.resume();
    }

    private void tooLarge(RoutingContext context, String what) {
        RoutingProblems.end(context.response(), ProblemType.PAYLOAD_TOO_LARGE, STATUS,
                what + "; at most " + maxBodyBytes + " are accepted (" + SETTING + ")", context.request().path());
    }

    /** The Content-Length header as a number; -1 when not a number (Vert.x refuses those anyway). */
    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
