package io.portcullis.admin;

import java.util.List;

import static io.portcullis.wire.FieldDescription.bytea;
import static io.portcullis.wire.FieldDescription.int4;
import static io.portcullis.wire.FieldDescription.int8;
import static io.portcullis.wire.FieldDescription.text;

/** {@code SHOW CONFIG}, {@code SHOW VERSION}, {@code SHOW STATE}, {@code SHOW FDS} and {@code SHOW MEM}. */
final class InfoTables {

    /** The PgBouncer release whose admin console columns Portcullis reproduces. */
    static final String PGBOUNCER_COMPATIBLE = "1.25.1";

    private InfoTables() {
    }

    static ResultTable config(List<ConfigListing.Setting> settings) {
        ResultTable table = new ResultTable(text("key"), text("value"), text("default"), text("changeable"));
        for (ConfigListing.Setting s : settings) {
            table.row(s.key(), s.value(), s.defaultValue(), s.changeable() ? "yes" : "no");
        }
        return table;
    }

    /**
     * Starts with {@code PgBouncer 1.25.1} because monitoring tools pick their column set by matching
     * that text; says what is really answering right after.
     */
    static ResultTable version(String portcullisVersion) {
        return new ResultTable(text("version")).row(versionText(portcullisVersion));
    }

    static String versionText(String portcullisVersion) {
        return "PgBouncer " + PGBOUNCER_COMPATIBLE + " compatible (Portcullis " + portcullisVersion + ")";
    }

    /**
     * PgBouncer's global state: {@code paused} when every database is paused (PgBouncer's PAUSE without a database),
     * {@code active} otherwise; never {@code suspended} (SUSPEND is refused).
     */
    static ResultTable state(boolean allPaused) {
        return new ResultTable(text("key"), text("value"))
                .row("active", allPaused ? "no" : "yes")
                .row("paused", allPaused ? "yes" : "no")
                .row("suspended", "no");
    }

    /**
     * The sockets PgBouncer would hand to a new process in an online restart, as PgBouncer 1.25 answers when it has
     * none to hand over: its columns, no row. Portcullis restarts by draining, not by handing sockets over.
     */
    static ResultTable fds() {
        return new ResultTable(int4("fd"), text("task"), text("user"), text("database"), text("addr"), int4("port"),
                int8("cancel"), int4("link"), text("client_encoding"), text("std_strings"), text("datestyle"),
                text("timezone"), text("password"), bytea("scram_client_key"), bytea("scram_server_key"));
    }

    /**
     * PgBouncer lists its slab caches; this process's memory is the JVM's (or the native image's): heap, non-heap and
     * the buffer pools (direct: Netty's network buffers), each as one "cache" of 1-byte items, in bytes (capped at
     * int4's range, PgBouncer's type).
     */
    static ResultTable mem() {
        ResultTable table = new ResultTable(text("name"), int4("size"), int4("used"), int4("free"), int4("memtotal"));
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        memRow(table, "heap", memory.getHeapMemoryUsage().getUsed(), memory.getHeapMemoryUsage().getCommitted());
        memRow(table, "non_heap", memory.getNonHeapMemoryUsage().getUsed(), memory.getNonHeapMemoryUsage().getCommitted());
        for (java.lang.management.BufferPoolMXBean pool
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            memRow(table, "buffers_" + pool.getName().replace(' ', '_'), pool.getMemoryUsed(), pool.getTotalCapacity());
        }
        return table;
    }

    private static void memRow(ResultTable table, String name, long used, long total) {
        long free = Math.max(0, total - used);
        table.row(name, 1, int4Capped(used), int4Capped(free), int4Capped(Math.max(total, used)));
    }

    private static int int4Capped(long value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
    }
}
