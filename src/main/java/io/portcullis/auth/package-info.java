/**
 * Authentication, both ways: verifying clients (SCRAM-SHA-256, md5, client certificate) against
 * the verifiers Portcullis stores, and logging in to backends with whatever they ask (cleartext,
 * md5, SCRAM-SHA-256 as a client). Stores and compares only verifiers; compares in constant time.
 *
 * <p>May use: {@code wire}, {@code config}.
 */
package io.portcullis.auth;
