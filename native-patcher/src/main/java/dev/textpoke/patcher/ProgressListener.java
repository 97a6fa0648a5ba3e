package dev.textpoke.patcher;

/** Receives the progress of a race: patch operations done out of the total. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> {};

    void progress(long done, long total);
}
