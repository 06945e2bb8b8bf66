package eu.runlater.bench;

/**
 * One lateness measurement: the percentiles of start minus due time, the rate actually offered,
 * where the CPU went while feeding, and the duplicate deliveries seen (zero when healthy).
 */
record Lateness(Stats.Percentiles percentiles, double offered, CpuMeter.Usage cpu, long duplicates)
    implements Measured {}
