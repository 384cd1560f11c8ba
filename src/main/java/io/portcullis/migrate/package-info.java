/**
 * Migration from other poolers: reads PgBouncer's {@code pgbouncer.ini} and {@code userlist.txt}
 * (its own INI dialect, connection strings and quoting rules), maps what Portcullis can express to
 * the {@code config} model and reports, line by line, everything it could not map and why. Used by
 * the REST API ({@code POST /api/v1/import/pgbouncer}) and the {@code import-pgbouncer} command. Also the
 * move from Portcullis's own file store to the shared PostgreSQL store ({@code copy-store}, {@link
 * io.portcullis.migrate.CopyStoreCommand}), whose store-level steps are {@code config}'s.
 *
 * <p>Secrets: clear-text passwords become SCRAM verifiers (user passwords) or sealed values
 * (backend passwords, the backend TLS client key), bound to their database, before anything is stored;
 * no report, message or log line carries one.
 *
 * <p>May use: {@code config}, {@code auth} (to turn passwords into verifiers), {@code tls} (to check the
 * backend CA, certificate and key files {@code server_tls_*_file} name before they are imported), {@code log}
 * (file names from {@code %include} lines in messages).
 */
package io.portcullis.migrate;
