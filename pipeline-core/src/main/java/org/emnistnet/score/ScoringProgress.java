package org.emnistnet.score;

import org.apache.spark.util.LongAccumulator;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A progress line for a long scoring job, at most every {@code every} and once at the end: inputs done, rate and
 * time left. Tasks add to a Spark accumulator, which the driver sees as each task finishes; scoring a folder
 * plans a task per ~32 files or more, so the count moves often. A retried task may count twice; the line never
 * claims more than the total.
 */
final class ScoringProgress implements AutoCloseable {
    private final LongAccumulator done;
    private final long total;
    private final Consumer<String> out;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer;

    ScoringProgress(LongAccumulator done, long total, Duration every, Consumer<String> out) {
        this.done = done;
        this.total = total;
        this.out = out;
        done.reset();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "scoring-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> out.accept(line()), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    String line() {
        return line(Math.min(done.value(), total), total, (System.nanoTime() - started) / 1e9);
    }

    /** E.g. "scored 35,000 of 100,000 inputs (35 %), 2,900 inputs/s, about 22 s left". */
    static String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? String.format(Locale.ROOT, ", about %,d s left", Math.round((total - done) / rate)) : "";
        return String.format(Locale.ROOT, "scored %,d of %,d inputs (%d %%), %,d inputs/s%s", done, total,
                total == 0 ? 100 : done * 100 / total, Math.round(rate), left);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        out.accept(line());
    }
}
