package io.portcullis.wire;

/** A ParameterStatus message: a backend run-time parameter the client must be told about. */
public record ParameterStatus(String name, String value) {
}
