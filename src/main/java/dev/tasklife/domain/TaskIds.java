package dev.tasklife.domain;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Task ids (lifecycle.md, "Ids the service makes are ids it accepts"): what the service takes as a task id, and the
 * ids it makes for replacements, which pass the same check.
 */
public final class TaskIds {

    /** The longest task id taken. */
    public static final int MAX_LENGTH = 256;
    /** Task ids of Mesos and ECS: letters, digits and a few separators; no spaces, no control characters. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,255}");
    /** What a replacement id keeps of its service's name: enough to tell the service, short for the item. */
    static final int MAX_PREFIX_LENGTH = 64;

    private TaskIds() {
    }

    public static boolean isValid(String taskId) {
        return taskId != null && VALID.matcher(taskId).matches();
    }

    /**
     * The part of a replacement's id that names its service, as Marathon names an app's tasks
     * ({@code appId.safePath + "." + uuid}: the path's segments joined by {@code _}, so {@code /prod/web} gives
     * {@code prod_web}); any other character a task id cannot hold becomes {@code _}, and what precedes the first
     * letter or digit is dropped. Null when nothing is left: such a service cannot make a valid id.
     */
    public static String replacementPrefix(String service) {
        String safe = service.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[^A-Za-z0-9]+", "");
        safe = safe.substring(0, Math.min(safe.length(), MAX_PREFIX_LENGTH));
        return safe.isEmpty() ? null : safe;
    }

    /** A replacement's id: its service's prefix, a dot and a random UUID, so that nobody can take it in advance. */
    static String replacementId(String service, UUID random) {
        String prefix = replacementPrefix(service);
        if (prefix == null) {
            // The door refuses such a service at launch; a record from before that check gets a neutral prefix.
            prefix = "task";
        }
        return prefix + "." + random.toString().toLowerCase(Locale.ROOT);
    }
}
