/** Portcullis: a TLS gateway and connection pooler for PostgreSQL-wire databases. */
package io.portcullis;
