package dev.tasklife.handler;

/**
 * The X-Ray trace header of the invocation under way ({@code Root=1-...;Parent=...;Sampled=1}): Lambda's runtime
 * sets it per invocation as the system property {@code com.amazonaws.xray.traceHeader} (AWS's runtime interface
 * client on java21, Quarkus's poll loop on provided.al2023), and as {@code _X_AMZN_TRACE_ID} in the environment.
 */
record TraceHeader(String root, String parent, boolean sampled) {

    static final String PROPERTY = "com.amazonaws.xray.traceHeader";

    /** The current invocation's header, or null outside an invocation or when it has no root. */
    static TraceHeader current() {
        String header = System.getProperty(PROPERTY);
        return parse(header != null ? header : System.getenv("_X_AMZN_TRACE_ID"));
    }

    static TraceHeader parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String field : header.split(";")) {
            int equals = field.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String value = field.substring(equals + 1).strip();
            switch (field.substring(0, equals).strip()) {
                case "Root" -> root = value;
                case "Parent" -> parent = value;
                case "Sampled" -> sampled = value.equals("1");
                default -> { }
            }
        }
        return root == null ? null : new TraceHeader(root, parent, sampled);
    }
}
