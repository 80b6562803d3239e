package org.emnistnet.data;

import org.emnistnet.artifact.Stage;

/** The output of ingest: the dataset's images as stored (perhaps transposed), in its train and test splits. */
public final class RawDataset extends StageDataset {
    private RawDataset(String path) {
        super(path, Stage.INGEST);
    }

    /** @throws org.emnistnet.InvalidDataException naming the folder when it is not a complete ingest output */
    public static RawDataset at(String path) {
        return new RawDataset(path);
    }
}
