package dev.textpoke.sim.pt;

/** How the model compresses the IPs of TIP, TIP.PGE, TIP.PGD and FUP packets. */
public enum IpChoice {
    /** The smallest compression that names the IP, as hardware chooses ({@code LastIp.smallest}). */
    SMALLEST,
    /** Any compression that names the IP, drawn from the model's seed: for differential and property tests. */
    RANDOM
}
