package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import static io.portcullis.wire.MessageTypes.HEADER_LENGTH;
import static io.portcullis.wire.FrameDecoder.MIN_FRAME_LENGTH;

/**
 * Follows frame boundaries in a forwarded byte stream and reports only the frames whose type is
 * interesting, without copying the stream: the caller forwards each chunk as it is and the scanner
 * only reads headers and the bodies of interesting frames.
 *
 * <p>Cost per chunk is proportional to the number of frames in it, not its size: bodies are jumped
 * over by their length. Uninteresting frames allocate nothing. An interesting frame's body is handed
 * to the listener as a slice of the chunk when it lies wholly inside the chunk, otherwise as a small
 * Buffer assembled from the pieces, and in both cases cut to at most {@code maxCapturedBody} bytes.
 *
 * <p>Used on both directions: client→server for Parse, Bind, Close and Terminate (statement and portal
 * names, the end of a session), server→client for ReadyForQuery, ParameterStatus and ErrorResponse
 * (transaction status, parameters, errors); each caller names its types in a {@link FrameTypes}.
 * Not thread-safe; one per direction per connection. The startup packet (no type byte) must not be
 * fed to it.
 *
 * <p>A caller that rewrites some frames of the stream uses the {@link RewriteListener} mode instead:
 * each interesting frame is reported as soon as its head (the first body bytes, up to the capture
 * limit of its type) is in, with its position in the chunk, and again where it ends; the caller holds
 * back the bytes of a frame whose head has not come yet ({@link #unreportedFrameStart()}) and
 * forwards everything else as slices.
 */
public final class FrameScanner {

    /** Receives the interesting frames. The body is only valid during the call: copy what you keep. */
    public interface Listener {
        /**
         * A whole interesting frame whose body fits in the capture limit.
         *
         * @param type the message type byte
         * @param startInChunk index of the type byte in the chunk being scanned, or -1 when the frame
         *     began in an earlier chunk
         * @param body the whole body (without type and length)
         */
        void onFrame(byte type, int startInChunk, Buffer body);

        /**
         * A whole interesting frame whose body is longer than the capture limit; only its first
         * {@code maxCapturedBody} bytes are given. By default this is passed to {@link #onFrame}
         * (readers of leading fields such as {@link MessageReader#parseStatementName} still work when
         * the name fits); override to treat truncation differently.
         *
         * @param bodyLength the full body length
         */
        default void onTruncatedFrame(byte type, int startInChunk, Buffer bodyPrefix, int bodyLength) {
            onFrame(type, startInChunk, bodyPrefix);
        }
    }

    /**
     * The rewrite mode's listener: where each interesting frame's head and end lie in the chunks.
     * Both methods are called on the scanning thread, in stream order.
     */
    public interface RewriteListener {
        /**
         * The head of an interesting frame is in: its first {@code min(bodyLength, limit)} body bytes,
         * the limit being the capture limit of its type.
         *
         * @param startInChunk index of the frame's type byte in the chunk being scanned, or -1 when the
         *     frame began in an earlier chunk
         * @param headEndInChunk index in this chunk just after the head: the frame's other
         *     {@code bodyLength - head.length()} body bytes follow from here, in this chunk and later ones
         * @param head a slice of the chunk, or a buffer of its own when the head straddles chunks; it may
         *     be kept but must not be modified
         * @param bodyLength the whole body length
         */
        void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength);

        /** The frame whose head was reported last ends just before {@code endInChunk} of the chunk being scanned. */
        void onEnd(byte type, int endInChunk);
    }

    /** What {@link #unreportedFrameStart()} answers when no interesting frame awaits its head. */
    public static final int NO_UNREPORTED_FRAME = Integer.MIN_VALUE;

    /** The {@link FrameTypes} words of the interesting types, held here so the test per frame reads no other object. */
    private final long interestingLow;
    private final long interestingHigh;
    private final int maxCapturedBody;
    private final Listener listener;
    private final RewriteListener rewriteListener;
    /** Capture limit per type byte where set by {@link #captureUpTo}; null = {@link #maxCapturedBody} for all. */
    private int[] captureLimits;
    /** The head of every frame with nothing to capture: shared, never written. */
    private final Buffer empty = Buffer.buffer(0);

    /** Header bytes of the current frame seen so far, 0..5; 5 means inside the body. */
    private int headerBytes;
    private byte type;
    private int length;
    /** Body bytes of the current frame still to come. */
    private int bodyRemaining;
    /** Full body length of the current frame. */
    private int bodyLength;
    /** Index of the current frame's type byte in the chunk being scanned, -1 if in an earlier chunk. */
    private int frameStart;
    /** Capture of an interesting body spanning chunks; null for uninteresting frames. */
    private Buffer capture;
    private int captureRemaining;
    /** Rewrite mode: the current frame's head has been reported, so its end will be. */
    private boolean headReported;

    /**
     * @param interestingTypes the types to report
     * @param maxCapturedBody the most body bytes captured per reported frame (at least 0)
     * @param listener receives interesting frames, on the scanning thread
     */
    public FrameScanner(FrameTypes interestingTypes, int maxCapturedBody, Listener listener) {
        this(interestingTypes, maxCapturedBody, listener, null);
    }

    /**
     * The rewrite mode: interesting frames are reported by head and end, see {@link RewriteListener}.
     *
     * @param maxCapturedBody the head length of interesting frames (at least 0), unless
     *     {@link #captureUpTo} sets another for their type
     */
    public FrameScanner(FrameTypes interestingTypes, int maxCapturedBody, RewriteListener listener) {
        this(interestingTypes, maxCapturedBody, null, listener);
    }

    private FrameScanner(FrameTypes interestingTypes, int maxCapturedBody, Listener listener,
                         RewriteListener rewriteListener) {
        if (maxCapturedBody < 0) {
            throw new IllegalArgumentException("maxCapturedBody must not be negative");
        }
        this.interestingLow = interestingTypes.low;
        this.interestingHigh = interestingTypes.high;
        this.maxCapturedBody = maxCapturedBody;
        this.listener = listener;
        this.rewriteListener = rewriteListener;
    }

    /**
     * Sets another capture limit for some types (a whole Parse body next to short names, say). Call
     * before the first scan.
     *
     * @return this scanner
     */
    public FrameScanner captureUpTo(FrameTypes types, int maxCapturedBody) {
        if (maxCapturedBody < 0) {
            throw new IllegalArgumentException("maxCapturedBody must not be negative");
        }
        if (captureLimits == null) {
            captureLimits = new int[128];
            java.util.Arrays.fill(captureLimits, this.maxCapturedBody);
        }
        for (long bits = types.low; bits != 0; bits &= bits - 1) { // each set bit, lowest first
            captureLimits[Long.numberOfTrailingZeros(bits)] = maxCapturedBody;
        }
        for (long bits = types.high; bits != 0; bits &= bits - 1) {
            captureLimits[64 + Long.numberOfTrailingZeros(bits)] = maxCapturedBody;
        }
        return this;
    }

    /**
     * Where the frame the scanned bytes end in began, when that frame is interesting and its head has not
     * been reported yet (a rewriter holds these bytes back until it knows what to do with the frame): an
     * index in the last chunk, or -1 when it began in an earlier one. {@link #NO_UNREPORTED_FRAME} when the
     * bytes end between frames, inside an uninteresting frame, or after the reported head of one.
     */
    public int unreportedFrameStart() {
        if (headerBytes == 0) {
            return NO_UNREPORTED_FRAME;
        }
        if (!isInteresting(type) || (headerBytes == HEADER_LENGTH && headReported)) {
            return NO_UNREPORTED_FRAME;
        }
        return frameStart;
    }

    /** Whether the bytes scanned so far end exactly between two frames. */
    public boolean atFrameBoundary() {
        return headerBytes == 0;
    }

    /**
     * Scans one chunk, calling the listener for every interesting frame that completes in it.
     *
     * @throws ProtocolViolation on a length field below 4; the stream cannot be followed after that.
     *     An exception from the listener also ends the scan of this chunk mid-way: close the
     *     connection in both cases.
     */
    public void scan(Buffer chunk) {
        int end = chunk.length();
        int position = 0;
        frameStart = -1;
        while (position < end) {
            if (headerBytes == HEADER_LENGTH) {
                position = continueBody(chunk, position, end);
            } else if (headerBytes == 0 && end - position >= HEADER_LENGTH) {
                frameStart = position;
                type = chunk.getByte(position);
                length = chunk.getInt(position + 1);
                headerBytes = HEADER_LENGTH;
                position = startBody(chunk, position + HEADER_LENGTH, end);
            } else {
                byte b = chunk.getByte(position);
                if (headerBytes == 0) {
                    frameStart = position;
                    type = b;
                    length = 0;
                } else {
                    length = (length << 8) | (b & 0xFF);
                }
                position++;
                if (++headerBytes == HEADER_LENGTH) {
                    position = startBody(chunk, position, end);
                }
            }
        }
    }

    /** The header is complete at {@code position}; returns the position after what was consumed. */
    private int startBody(Buffer chunk, int position, int end) {
        if (length < MIN_FRAME_LENGTH) {
            throw new ProtocolViolation("invalid message length " + length + " in '" + (char) (type & 0xFF) + "' message");
        }
        bodyLength = length - MIN_FRAME_LENGTH;
        bodyRemaining = bodyLength;
        if (!isInteresting(type)) {
            return skip(position, end);
        }
        int captured = Math.min(bodyLength, captureLimit(type));
        if (rewriteListener != null) {
            return startHead(chunk, position, end, captured);
        }
        if (bodyLength <= end - position) {
            headerBytes = 0;
            report(captured == 0 ? empty : chunk.slice(position, position + captured));
            return position + bodyLength;
        }
        capture = Buffer.buffer(captured);
        captureRemaining = captured;
        return continueBody(chunk, position, end);
    }

    private int continueBody(Buffer chunk, int position, int end) {
        if (capture == null) {
            return skip(position, end);
        }
        if (rewriteListener != null) {
            return continueHead(chunk, position, end);
        }
        int take = Math.min(bodyRemaining, end - position);
        int copy = Math.min(take, captureRemaining);
        if (copy > 0) {
            capture.appendBuffer(chunk, position, copy);
            captureRemaining -= copy;
        }
        bodyRemaining -= take;
        if (bodyRemaining == 0) {
            Buffer body = capture;
            capture = null;
            headerBytes = 0;
            report(body);
        }
        return position + take;
    }

    private int skip(int position, int end) {
        int take = Math.min(bodyRemaining, end - position);
        bodyRemaining -= take;
        if (bodyRemaining == 0) {
            headerBytes = 0;
            if (headReported) {
                headReported = false;
                rewriteListener.onEnd(type, position + take);
            }
        }
        return position + take;
    }

    /** Rewrite mode, the header is complete at {@code position}: reports the head once it is in. */
    private int startHead(Buffer chunk, int position, int end, int captured) {
        if (captured <= end - position) {
            return reportHead(captured == 0 ? empty : chunk.slice(position, position + captured), position + captured, end);
        }
        capture = Buffer.buffer(captured);
        captureRemaining = captured;
        return continueHead(chunk, position, end);
    }

    private int continueHead(Buffer chunk, int position, int end) {
        int copy = Math.min(captureRemaining, end - position);
        capture.appendBuffer(chunk, position, copy);
        captureRemaining -= copy;
        bodyRemaining -= copy;
        if (captureRemaining > 0) {
            return position + copy;
        }
        Buffer head = capture;
        capture = null;
        return reportHead(head, position + copy, end);
    }

    /** Reports the head, then skips (and reports the end of) as much of the rest of the body as the chunk holds. */
    private int reportHead(Buffer head, int headEnd, int end) {
        bodyRemaining = bodyLength - head.length();
        headReported = true;
        rewriteListener.onHead(type, frameStart, headEnd, head, bodyLength);
        return skip(headEnd, end);
    }

    private int captureLimit(byte b) {
        return captureLimits == null ? maxCapturedBody : captureLimits[b];
    }

    private void report(Buffer body) {
        if (body.length() < bodyLength) {
            listener.onTruncatedFrame(type, frameStart, body, bodyLength);
        } else {
            listener.onFrame(type, frameStart, body);
        }
    }

    private boolean isInteresting(byte b) {
        return FrameTypes.contains(interestingLow, interestingHigh, b);
    }
}
