package dev.tasklife.emulator;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * moto on 127.0.0.1 and a free port, for one test class: DynamoDB, EventBridge and SQS as real HTTP services.
 * Started by the tests themselves and stopped after them. It runs through {@code infra/emulator/moto_serialized.py},
 * which applies one request at a time as DynamoDB applies one write per item at a time (see that file).
 */
public final class MotoServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoServer start() throws IOException, InterruptedException {
        return start("127.0.0.1", 0);
    }

    /**
     * moto listening on {@code host} (0.0.0.0 lets a container reach it, as {@code sam local} does) and {@code port}
     * (0: a free one); this machine's clients reach it on loopback.
     */
    public static MotoServer start(String host, int port) throws IOException, InterruptedException {
        if (port == 0) {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        }
        Path log = Files.createTempFile("moto-", ".log");
        Process process;
        try {
            Path launcher = ProjectFiles.resolve("infra", "emulator",
                    "moto_serialized.py");
            process = new ProcessBuilder("python3", launcher.toString(), host, Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("moto could not be started (python3 with moto[server] is needed;"
                    + " .ci/run checks it): " + e.getMessage(), e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        MotoServer server = new MotoServer(process, endpoint);
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited at start (is moto[server] installed for python3?): " + Files.readString(log));
            }
            if (server.answers()) {
                return server;
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("moto did not answer on " + endpoint + " within " + STARTUP);
    }

    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL()
                    .openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        stop(process);
    }

    /** Asks a process to end, and ends it if it has not within ten seconds. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
