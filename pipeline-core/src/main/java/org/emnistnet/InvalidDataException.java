package org.emnistnet;

import org.emnistnet.EmnistNetException;

/** Input data that cannot be used: a wrong magic number, a truncated payload, a label out of range, ... */
public class InvalidDataException extends EmnistNetException {
    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
