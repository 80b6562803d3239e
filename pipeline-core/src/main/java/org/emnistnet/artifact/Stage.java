package org.emnistnet.artifact;

/** The stages whose outputs later stages read, as their {@code _manifest.json} names them ({@code "stage"}). */
public enum Stage {
    INGEST("ingest"), PREPARE("prepare");

    private final String id;

    Stage(String id) {
        this.id = id;
    }

    /** The name in the manifest and in messages. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
