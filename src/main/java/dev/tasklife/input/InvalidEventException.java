package dev.tasklife.input;

/** The input cannot be read as a status-change event; the message says what is wrong, for the caller and the log. */
public class InvalidEventException extends Exception {

    public InvalidEventException(String message) {
        super(message);
    }
}
