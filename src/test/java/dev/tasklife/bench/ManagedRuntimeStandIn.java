package dev.tasklife.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;

/**
 * What Lambda's managed Java runtime does with the JVM packaging, without its native client (which crashes on
 * this machine): poll the Runtime API for the next event, hand it to the handler the template names
 * ({@code QuarkusStreamHandler}, which boots Quarkus on first use), post the answer. Started in its own process
 * by the benchmark, to time a cold start.
 */
public final class ManagedRuntimeStandIn {

    private ManagedRuntimeStandIn() {
    }

    public static void main(String[] args) throws Exception {
        String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
        HttpClient http = HttpClient.newHttpClient();
        QuarkusStreamHandler handler = new QuarkusStreamHandler();
        while (true) {
            HttpResponse<byte[]> next = http.send(HttpRequest.newBuilder(URI.create(api + "/invocation/next")).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            long deadline = Long.parseLong(next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElse("0"));
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            String outcome = "/response";
            try {
                handler.handleRequest(new ByteArrayInputStream(next.body()), output, context(requestId, deadline));
            } catch (Exception e) {
                outcome = "/error";
                output.reset();
                output.write(("{\"errorMessage\":\"" + e + "\"}").getBytes());
            }
            http.send(HttpRequest.newBuilder(URI.create(api + "/invocation/" + requestId + outcome))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(output.toByteArray())).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static Context context(String requestId, long deadline) {
        return new Context() {
            public String getAwsRequestId() {
                return requestId;
            }

            public String getLogGroupName() {
                return "bench";
            }

            public String getLogStreamName() {
                return "bench";
            }

            public String getFunctionName() {
                return "status-change";
            }

            public String getFunctionVersion() {
                return "$LATEST";
            }

            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-1:111122223333:function:status-change";
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return (int) Math.max(0, deadline - System.currentTimeMillis());
            }

            public int getMemoryLimitInMB() {
                return 256;
            }

            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
