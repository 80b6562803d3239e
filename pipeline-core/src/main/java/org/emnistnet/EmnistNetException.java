package org.emnistnet;

/**
 * The root of the project's own unchecked exceptions. Its message is written for a person: it names the file,
 * record or parameter at fault, what was expected and what was found, so that a job can print it as one line.
 */
public class EmnistNetException extends RuntimeException {
    public EmnistNetException(String message) {
        super(message);
    }

    public EmnistNetException(String message, Throwable cause) {
        super(message, cause);
    }
}
