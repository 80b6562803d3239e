package org.emnistnet.data;

import org.emnistnet.artifact.Stage;

/** The output of prepare: upright images in train, val and test splits, ready to train on, score and evaluate. */
public final class PreparedDataset extends StageDataset {
    private PreparedDataset(String path) {
        super(path, Stage.PREPARE);
    }

    /** @throws org.emnistnet.InvalidDataException naming the folder when it is not a complete prepare output */
    public static PreparedDataset at(String path) {
        return new PreparedDataset(path);
    }
}
