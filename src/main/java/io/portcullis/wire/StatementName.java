package io.portcullis.wire;

/**
 * A statement name inside a message body and where its bytes lie, so the message can be rebuilt
 * with another name and the rest of its body forwarded untouched.
 *
 * @param name  the name, empty for the unnamed statement
 * @param start index of the name's first byte in the body
 * @param end   index of the NUL that ends the name
 */
public record StatementName(String name, int start, int end) {

    /** Index of the first body byte after the name's NUL. */
    public int after() {
        return end + 1;
    }

    public boolean isUnnamed() {
        return name.isEmpty();
    }
}
