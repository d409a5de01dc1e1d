package dev.tasklife.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The packaged artifact run as Lambda runs it, one function per handler name (QUARKUS_LAMBDA_HANDLER): function.zip
 * unpacked once, each function with its own Runtime API and as many execution environments (processes of AWS's
 * runtime interface client) as it may run invocations at once.
 */
public final class PackagedFunctions implements AutoCloseable {

    private final Map<String, LocalRuntimeApi> runtimeApis = new LinkedHashMap<>();
    private final Map<String, List<LambdaProcess>> environments = new LinkedHashMap<>();

    private final LambdaProcess.Unpacked unpacked;

    private PackagedFunctions(LambdaProcess.Unpacked unpacked) {
        this.unpacked = unpacked;
    }

    /** The JVM package of the functions, as `./mvnw package` leaves it. */
    public static Path functionZip() {
        Path zip = ProjectFiles.resolve("target", "function.zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: package the functions first (./mvnw package)");
        }
        return zip;
    }

    /**
     * Starts {@code concurrency} environments of each function in {@code handlers}, with {@code environment} (the
     * variables every function gets) and {@code jvmOptions}.
     */
    public static PackagedFunctions start(Path functionZip, Map<String, String> environment, List<String> handlers,
                                          int concurrency, List<String> jvmOptions) throws IOException {
        PackagedFunctions functions = new PackagedFunctions(LambdaProcess.unpack(functionZip));
        try {
            for (String handler : handlers) {
                LocalRuntimeApi api = new LocalRuntimeApi();
                functions.runtimeApis.put(handler, api);
                Map<String, String> variables = new LinkedHashMap<>(environment);
                variables.put("QUARKUS_LAMBDA_HANDLER", handler);
                List<LambdaProcess> processes = new ArrayList<>();
                functions.environments.put(handler, processes);
                for (int i = 0; i < concurrency; i++) {
                    processes.add(LambdaProcess.start(functions.unpacked, api, variables, jvmOptions));
                }
            }
        } catch (IOException | RuntimeException e) {
            functions.close();
            throw e;
        }
        return functions;
    }

    /** The function QUARKUS_LAMBDA_HANDLER={@code handler} runs: an invocation waits for a free environment. */
    public LambdaFunction function(String handler) {
        LocalRuntimeApi api = runtimeApis.get(handler);
        if (api == null) {
            throw new IllegalArgumentException("no function " + handler + " was started");
        }
        return api;
    }

    public List<LambdaProcess> environments(String handler) {
        return environments.getOrDefault(handler, List.of());
    }

    /** Everything the function's environments wrote (logs, metrics), one after the other. */
    public String output(String handler) {
        return environments(handler).stream().map(LambdaProcess::output).collect(Collectors.joining());
    }

    @Override
    public void close() {
        environments.values().forEach(processes -> processes.forEach(LambdaProcess::close));
        runtimeApis.values().forEach(LocalRuntimeApi::close);
        try (Stream<Path> files = Files.walk(unpacked.taskRoot().getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
