package org.emnistnet;

import org.apache.spark.SparkContext;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A task lost as a cluster loses one: kills the first task of the {@code n}-th stage whose call site matches, with
 * Spark's own {@link SparkContext#killTaskAttempt} (interrupting its thread, as Spark does to the losing attempt of a
 * speculative pair), and Spark schedules the task again. A task that finished before the kill reached it is no
 * loss: then the first task of the next matching stage is killed. {@link #killed()} says whether a kill landed: a
 * test that asserts it cannot pass without the fault having happened.
 */
public final class TaskKiller extends SparkListener implements AutoCloseable {
    private final SparkContext spark;
    private final Predicate<String> callSite;
    private final int stageToHit;
    private final AtomicInteger matchingStages = new AtomicInteger();
    private final Set<Integer> target = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile long victim = -1;
    private final AtomicInteger killedEnds = new AtomicInteger();

    private TaskKiller(SparkContext spark, Predicate<String> callSite, int stageToHit) {
        this.spark = spark;
        this.callSite = callSite;
        this.stageToHit = stageToHit;
    }

    /** Kills the first task of the {@code n}-th (1-based) stage whose name or details contain {@code callSite}. */
    public static TaskKiller inStage(SparkContext spark, String callSite, int n) {
        TaskKiller killer = new TaskKiller(spark, text -> text.contains(callSite), n);
        spark.addSparkListener(killer);
        return killer;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        var stage = submitted.stageInfo();
        if (callSite.test(stage.name() + "\n" + stage.details()) && matchingStages.incrementAndGet() >= stageToHit) {
            target.add(stage.stageId());
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        if (target.contains(start.stageId()) && fired.compareAndSet(false, true)) {
            long taskId = start.taskInfo().taskId();
            victim = taskId;
            // not on the listener bus's thread, which must keep delivering events
            new Thread(() -> spark.killTaskAttempt(taskId, true, "killed by a test: a task lost mid-way"), "task-killer").start();
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() instanceof TaskKilled) {
            killedEnds.incrementAndGet();
        } else if (end.taskInfo().taskId() == victim && killedEnds.get() == 0) {
            target.remove(end.stageId()); // it ended before the kill reached it: try the next matching stage
            fired.set(false);
        }
    }

    /** Tasks that ended killed (read after the job: the listener bus delivers asynchronously). */
    public int killed() {
        try {
            spark.listenerBus().waitUntilEmpty(30_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 30 s", e);
        }
        return killedEnds.get();
    }

    @Override
    public void close() {
        spark.removeSparkListener(this);
    }
}
