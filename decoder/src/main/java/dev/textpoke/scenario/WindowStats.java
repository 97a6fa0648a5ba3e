package dev.textpoke.scenario;

/**
 * The uncertain windows of one CPU under a protocol that has them (arm64 nosync): how many there
 * were (a site's store until the CPU synchronised), how many the CPU executed the site in, how
 * many the decoder had to decide (the trace's time bounds reached into them), and of those how many
 * the trace itself resolved (every choice made by the packets: the other readings contradicted
 * them) and how many stayed ambiguous.
 */
public record WindowStats(int windows, int executed, int decided, int resolved, int ambiguous) {}
