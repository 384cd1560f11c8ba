package io.portcullis.config;

/**
 * A write that could not reach the shared configuration store. Nothing was applied locally; whether the
 * store kept it is unknown only when the connection broke during the commit, and the message says so.
 */
public class ConfigStoreUnavailableException extends RuntimeException {
    public ConfigStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
