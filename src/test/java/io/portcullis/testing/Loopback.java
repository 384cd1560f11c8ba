package io.portcullis.testing;

/**
 * The one address every test server binds to and every test client dials.
 *
 * <p>A literal IPv4 address rather than {@code localhost}: name resolution may prefer {@code ::1}, and
 * PostgreSQL's {@code pg_hba.conf} lines written by the harness match 127.0.0.1/32 only.
 */
public final class Loopback {

    /** IPv4 loopback, as a literal so no resolver is involved. */
    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }
}
