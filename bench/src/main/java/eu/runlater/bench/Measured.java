package eu.runlater.bench;

/** A measurement that knows where the CPU went while it was taken. */
interface Measured {
  CpuMeter.Usage cpu();
}
