package dev.tasklife.publish;

/** EventBridge did not take an event after retries; thrown so that Lambda retries the invocation. */
public class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message) {
        super(message);
    }
}
