package org.emnistnet.data;

import java.io.Serializable;

/** The image file and the label file of one split (train or test). */
public record SplitFiles(IdxFileSpec images, IdxFileSpec labels) implements Serializable {
}
