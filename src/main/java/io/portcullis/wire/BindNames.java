package io.portcullis.wire;

/** The names a Bind message refers to: the portal it creates and the statement it binds (empty = unnamed). */
public record BindNames(String portal, String statement) {
}
