/**
 * Server connections per database: logging in to the backend, lending and returning connections,
 * the bounded wait queue, the clean hand-over (closing what the previous client prepared), the check
 * of long-idle connections before they are lent, and the per-user cap on server connections.
 *
 * <p>May use: {@code wire}, {@code net}, {@code auth}, {@code config}, {@code prepared} (the statement cache each
 * server connection carries).
 */
package io.portcullis.pool;
