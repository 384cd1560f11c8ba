/**
 * The PgBouncer-compatible admin console and the runtime view behind it: a client that logs in to
 * the console's database ({@code portcullis.admin.database}, default {@code pgbouncer}) as a user
 * with {@code admin: true} gets {@code SHOW POOLS|CLIENTS|SERVERS|STATS|...} answered with
 * PgBouncer 1.25's column names and types ({@code SHOW PEERS}: the live replicas sharing the
 * store), and the process controls {@code PAUSE}, {@code RESUME}, {@code RECONNECT}, {@code KILL},
 * {@code KILL_CLIENT}, {@code DISABLE}, {@code ENABLE}, {@code WAIT_CLOSE} and {@code SHUTDOWN}. The same reports and actions serve the REST API.
 *
 * <p>Small classes, one concern each: {@link io.portcullis.admin.CommandParser} (text → command),
 * {@link io.portcullis.admin.ConsoleSession} (one connection: frames in, results out),
 * {@link io.portcullis.admin.ConsoleCommands} (command → result), {@link io.portcullis.admin.AdminReports}
 * and {@link io.portcullis.admin.StatsPeriods} (what is shown), {@link io.portcullis.admin.AdminActions}
 * (what is done), the {@code *Tables} classes (reports → PgBouncer's columns) and
 * {@link io.portcullis.admin.ResultTable} (columns and rows → wire messages).
 *
 * <p>May use: {@code pool}, {@code proxy}, {@code config}, {@code wire}, {@code log} (console input in audit lines),
 * {@code cluster} (the replicas {@code SHOW PEERS} lists), {@code peer} (its listener's settings in {@code SHOW CONFIG}),
 * {@code tls} ({@code RELOAD} re-reads the watched certificate files).
 */
package io.portcullis.admin;
