package org.emnistnet;

/** A request that cannot be carried out as given (options that contradict each other or the data): exit code 2. */
public class UsageException extends EmnistNetException {
    public UsageException(String message) {
        super(message);
    }
}
