package io.portcullis.config;

/** A configuration value that cannot be accepted; the message says which and why, for a person. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
