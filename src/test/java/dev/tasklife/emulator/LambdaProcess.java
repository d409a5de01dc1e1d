package dev.tasklife.emulator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;

/**
 * One execution environment of a packaged JVM function, as Lambda's java21 runtime makes it: function.zip unpacked
 * into a task root that is the working directory, and AWS's runtime interface client (with its own classpath, the
 * function's classes loaded by it from the task root and its lib/) polling a Runtime API for invocations. The
 * client's JNI library is extracted once per unpacked function and named to it, so that processes started together
 * never write the same temporary file.
 */
public final class LambdaProcess implements AutoCloseable {

    /** The handler of the template's JVM deployment. */
    public static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final Process process;
    private final Path log;

    private LambdaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** function.zip, unpacked as Lambda unpacks it, with the runtime client's JNI library beside it. */
    public record Unpacked(Path taskRoot, Path jniLibrary) {
    }

    public static Unpacked unpack(Path functionZip) throws IOException {
        Path directory = Files.createTempDirectory("lambda-");
        Path taskRoot = directory.resolve("task");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(functionZip))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = taskRoot.resolve(entry.getName()).normalize();
                if (!target.startsWith(taskRoot)) {
                    throw new IOException("an entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path jni = directory.resolve("libaws-lambda-jni.so");
        String resource = "/jni/libaws-lambda-jni.linux" + (isMusl() ? "_musl" : "") + "-"
                + (System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64") + ".so";
        try (InputStream library = AWSLambda.class.getResourceAsStream(resource)) {
            if (library == null) {
                throw new IOException("the runtime interface client has no " + resource);
            }
            Files.copy(library, jni);
        }
        return new Unpacked(taskRoot, jni);
    }

    private static boolean isMusl() {
        return Files.exists(Path.of("/lib/ld-musl-x86_64.so.1")) || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"));
    }

    /**
     * Starts one environment of {@code function} polling {@code runtimeApi}, with {@code environment} (the
     * function's variables) and {@code jvmOptions} (e.g. the template's JAVA_TOOL_OPTIONS).
     */
    public static LambdaProcess start(Unpacked function, LocalRuntimeApi runtimeApi, Map<String, String> environment,
                                      List<String> jvmOptions) throws IOException {
        return start(function, runtimeApi, environment, jvmOptions, List.of());
    }

    /** The same, the JVM's command line run by {@code launcher} (e.g. one that puts it in a CPU cgroup first). */
    public static LambdaProcess start(Unpacked function, LocalRuntimeApi runtimeApi, Map<String, String> environment,
                                      List<String> jvmOptions, List<String> launcher) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-D" + JNI_PROPERTY + "=" + function.jniLibrary());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, runtimeClientClasspath()));
        command.add(AWSLambda.class.getName());
        command.add(HANDLER);
        Path log = Files.createTempFile(function.taskRoot().getParent(), "function-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(function.taskRoot().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Lambda names how an environment is initialised; on-demand unless the caller plays another (snap-start).
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        builder.environment().putAll(environment);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        builder.environment().put("LAMBDA_TASK_ROOT", function.taskRoot().toString());
        builder.environment().put("_HANDLER", HANDLER);
        Process process = builder.start();
        // An environment that dies at start (a configuration its init refuses) may report nothing: an invocation
        // waiting for it fails now, with what it wrote, instead of after the wait for a free environment.
        process.onExit().thenAccept(ended -> runtimeApi.environmentExited("exit " + ended.exitValue() + ": "
                + tail(log)));
        return new LambdaProcess(process, log);
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 2_000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * The runtime's own jars, as Lambda has them outside the function: the runtime interface client and what it
     * needs (its serialization, the Lambda core interfaces, the SDK's small utilities). Nothing of the function.
     */
    private static List<String> runtimeClientClasspath() {
        List<String> jars = new ArrayList<>();
        for (String anchor : List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "com.amazonaws.services.lambda.runtime.Context",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
            try {
                CodeSource source = Class.forName(anchor).getProtectionDomain().getCodeSource();
                jars.add(Path.of(source.getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("the runtime interface client's classpath lacks " + anchor, e);
            }
        }
        return jars;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the function wrote to stdout and stderr (its logs, its metrics). */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        MotoServer.stop(process);
    }
}
