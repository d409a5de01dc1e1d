package dev.tasklife.emulator;

import java.io.IOException;

/**
 * A function as AWS's side calls it: a JSON payload in, the function's JSON answer out. A function that fails the
 * invocation throws {@link InvocationFailedException}.
 */
@FunctionalInterface
public interface LambdaFunction {

    byte[] invoke(byte[] payload) throws IOException;

    /** The function failed the invocation (Lambda would retry it); the message is its error document. */
    final class InvocationFailedException extends IOException {
        public InvocationFailedException(String error) {
            super(error);
        }
    }
}
