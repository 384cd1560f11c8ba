/**
 * Portcullis: a TLS gateway and connection pooler for PostgreSQL-wire databases.
 *
 * <p>This package holds only the entry point ({@link io.portcullis.PortcullisMain}), which starts the gateway or
 * runs a command ({@code import-pgbouncer}, TLS renegotiation).
 *
 * <p>May use: everything (it wires the commands to the packages that do the work). No package uses it.
 */
package io.portcullis;
