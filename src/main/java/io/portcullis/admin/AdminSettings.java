package io.portcullis.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The admin console's settings. */
@ConfigMapping(prefix = "portcullis.admin")
public interface AdminSettings {

    /**
     * The database name that opens the console instead of a pool (PgBouncer's is {@code pgbouncer},
     * which tools such as exporters expect). A configured database of the same name is hidden.
     */
    @WithDefault("pgbouncer")
    String database();

    /** How often the averages of SHOW STATS are recomputed (PgBouncer: stats_period). */
    @WithDefault("60s")
    Duration statsPeriod();

    /**
     * Whether {@code /q/metrics} also carries the metrics of prometheus-community's {@code pgbouncer_exporter}, with
     * its names and labels, read from this console's {@code SHOW} tables at each scrape ({@link ExporterMetrics}), so
     * dashboards built for PgBouncer work unchanged.
     */
    @WithDefault("true")
    boolean exporterMetrics();
}
