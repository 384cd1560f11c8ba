package io.portcullis.config;

/** An optimistic-concurrency write based on a version that is no longer current. */
public class VersionConflictException extends RuntimeException {
    public VersionConflictException(long expected, long actual) {
        super("the configuration is at version " + actual + ", not " + expected + "; read it again and retry");
    }
}
