package org.emnistnet.jobs;

import org.emnistnet.UsageException;


/** Checks of option values that picocli's types cannot express; a bad value is a usage error (exit 2). */
public final class Options {
    private Options() {
    }

    /** {@code --engine NAME} as an {@link org.emnistnet.score.Engine}; an unknown name is a usage error. */
    static org.emnistnet.score.Engine engine(String name) {
        try {
            return org.emnistnet.score.Engine.named(name);
        } catch (org.emnistnet.EmnistNetException e) {
            throw new org.emnistnet.UsageException("--" + e.getMessage());
        }
    }

    public static void atLeast(String option, long value, long minimum) {
        if (value < minimum) {
            throw new UsageException(option + " must be at least " + minimum + ", got " + value);
        }
    }

    /** The split, which must be one the prepared dataset's manifest lists (a typo would otherwise score nothing). */
    public static org.emnistnet.data.Split checkSplit(org.emnistnet.data.PreparedDataset prepared, String split) {
        java.util.Set<String> splits = prepared.manifest().rows().keySet();
        if (!splits.contains(split)) {
            throw new UsageException("--split '" + split + "': " + prepared + " has the splits " + splits);
        }
        return org.emnistnet.data.Split.named(split);
    }

    /**
     * The model's classes must be the prepared data's (a 26-class model on a 10-class split would score every image
     * as a letter, and evaluation would index past the data's classes): a data error, exit 1, naming both.
     */
    static void checkClasses(org.emnistnet.data.PreparedDataset prepared, String model, java.util.List<String> modelClasses) {
        java.util.List<String> dataClasses = prepared.classes();
        if (!dataClasses.equals(modelClasses)) {
            throw new org.emnistnet.EmnistNetException(model + " was trained on the classes " + modelClasses + " but "
                    + prepared + " has the classes " + dataClasses + ": score it with a model of that dataset");
        }
    }
}
