package dev.textpoke.arm64;

/** One broken rule, with what in this patch breaks it. */
public record Finding(CmodxRule rule, String detail) {}
