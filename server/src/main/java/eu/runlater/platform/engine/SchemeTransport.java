package eu.runlater.platform.engine;

import eu.runlater.engine.Transport;

/**
 * A bean that hands the engine a {@link Transport} for one URL scheme ({@code mailto}): tasks to
 * such URLs are delivered through it with the same contract as HTTP ones.
 */
public record SchemeTransport(String scheme, Transport transport) {}
