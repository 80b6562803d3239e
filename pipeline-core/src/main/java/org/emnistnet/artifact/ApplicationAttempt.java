package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Optional;

/**
 * One attempt of an application that a cluster manager may run again: YARN starts attempt 2 of an application when
 * the ApplicationMaster (in cluster deploy mode: the driver) of attempt 1 is lost, and only once it is gone. Spark
 * reports the attempt as {@code SparkContext.applicationAttemptId()}; local, standalone and client-mode drivers have
 * none, and are never run again.
 */
public record ApplicationAttempt(@JsonProperty("application") String application, @JsonProperty("attempt") int attempt) {
    /** The attempt of {@code application}, if its cluster manager numbers them. */
    public static Optional<ApplicationAttempt> of(String application, Optional<String> attempt) {
        return attempt.filter(a -> a.matches("\\d+")).map(a -> new ApplicationAttempt(application, Integer.parseInt(a)));
    }

    /** True if {@code other} is an earlier attempt of this same application. */
    public boolean follows(ApplicationAttempt other) {
        return other != null && application.equals(other.application) && other.attempt < attempt;
    }

    @Override
    public String toString() {
        return "attempt " + attempt + " of " + application;
    }
}
