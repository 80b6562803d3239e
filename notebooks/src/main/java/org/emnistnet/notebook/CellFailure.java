package org.emnistnet.notebook;

/** A notebook cell (or Zeppelin paragraph) that did not run: which notebook, which cell, and what went wrong. */
public final class CellFailure extends RuntimeException {
    private final int cell;

    public CellFailure(String notebook, int cell, String what) {
        super(notebook + ": cell " + cell + " failed: " + what);
        this.cell = cell;
    }

    /** 1-based, counting code cells (Jupyter) or paragraphs (Zeppelin) as a person sees them. */
    public int cell() {
        return cell;
    }
}
