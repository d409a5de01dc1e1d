package dev.tasklife.service;

/** The record kept changing under every attempt; thrown so that Lambda retries the event later. */
public class ConcurrentUpdateException extends RuntimeException {

    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
