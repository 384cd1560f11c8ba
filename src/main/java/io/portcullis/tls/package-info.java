/**
 * Certificate material: PEM parsing and validation, self-signed certificates (BouncyCastle), the
 * live server TLS options and their hot swap, client-CA verification.
 *
 * <p>May use: {@code config}, {@code log} (certificate subjects and file errors in log lines).
 */
package io.portcullis.tls;
