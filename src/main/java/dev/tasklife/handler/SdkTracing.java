package dev.tasklife.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;

/**
 * Each AWS SDK call of a traced invocation as an X-Ray subsegment of the function's segment, sent to the X-Ray
 * daemon Lambda runs beside the function when tracing is active (UDP, {@code AWS_XRAY_DAEMON_ADDRESS}; the
 * documented daemon protocol: a {@code {"format": "json", "version": 1}} line, then the document). Off, it costs a
 * null check a call: without a daemon address (tracing off, the local run, the tests) nothing is read or sent, and
 * an invocation whose header is not sampled sends nothing. No X-Ray SDK: no recorder, no sampling rules fetched at
 * start, nothing added to the cold start. A failed send is logged, never thrown.
 */
@RegisterForReflection // made by name: quarkus.dynamodb.interceptors
public final class SdkTracing implements ExecutionInterceptor {

    private static final Logger LOG = Logger.getLogger(SdkTracing.class);
    private static final byte[] DAEMON_HEADER = "{\"format\": \"json\", \"version\": 1}\n"
            .getBytes(StandardCharsets.UTF_8);
    /**
     * The call under way on this thread: a sync client runs a call's interceptors on its caller's thread. (Not an
     * ExecutionAttribute: the SDK keeps their names in one registry, which refuses a second class loading's constant,
     * as a test run that boots the application twice makes.)
     */
    private static final ThreadLocal<Call> CALL = new ThreadLocal<>();

    private record Call(TraceHeader trace, double started) {
    }

    private final InetSocketAddress daemon;
    private final Clock clock;

    /** As Lambda configures it: the daemon's address from {@code AWS_XRAY_DAEMON_ADDRESS}, none when unset. */
    public SdkTracing() {
        this(daemonAddress(System.getenv("AWS_XRAY_DAEMON_ADDRESS")), Clock.systemUTC());
    }

    SdkTracing(InetSocketAddress daemon, Clock clock) {
        this.daemon = daemon;
        this.clock = clock;
    }

    /**
     * {@code host:port}, as Lambda gives it ({@code 169.254.79.129:2000}); none for anything else, logged: a tracing
     * setting the function cannot read must not stop it from starting.
     */
    static InetSocketAddress daemonAddress(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        String hostAndPort = address.strip();
        int colon = hostAndPort.lastIndexOf(':');
        try {
            return new InetSocketAddress(hostAndPort.substring(0, colon),
                    Integer.parseInt(hostAndPort.substring(colon + 1)));
        } catch (RuntimeException e) {
            LOG.warnf("AWS_XRAY_DAEMON_ADDRESS=%s is not host:port; SDK calls are not traced", address);
            return null;
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (daemon == null) {
            return;
        }
        CALL.remove();
        TraceHeader trace = TraceHeader.current();
        // A subsegment names its parent: without the function segment's id X-Ray would refuse it.
        if (trace != null && trace.sampled() && trace.parent() != null) {
            CALL.set(new Call(trace, seconds()));
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Call call = CALL.get();
        if (call != null) {
            CALL.remove();
            send(subsegment(call, attributes, context.httpResponse(), null));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Call call = CALL.get();
        if (call != null) {
            CALL.remove();
            send(subsegment(call, attributes, context.httpResponse().orElse(null), context.exception()));
        }
    }

    /** The call as a subsegment document: the service, the operation, the answer's status and request id. */
    private ObjectNode subsegment(Call call, ExecutionAttributes attributes, SdkHttpResponse response,
                                  Throwable failure) {
        TraceHeader trace = call.trace();
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("name", attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
        document.put("id", newId());
        document.put("trace_id", trace.root());
        document.put("parent_id", trace.parent());
        document.put("type", "subsegment");
        document.put("namespace", "aws");
        document.put("start_time", call.started());
        document.put("end_time", seconds());
        ObjectNode aws = document.putObject("aws");
        aws.put("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        if (region != null) {
            aws.put("region", region.id());
        }
        if (response != null) {
            response.firstMatchingHeader("x-amzn-RequestId").ifPresent(id -> aws.put("request_id", id));
            int status = response.statusCode();
            document.putObject("http").putObject("response").put("status", status);
            if (status == 429) {
                document.put("throttle", true);
            }
            if (status >= 400 && status < 500) {
                document.put("error", true);
            } else if (status >= 500) {
                document.put("fault", true);
            }
        } else if (failure != null) {
            document.put("fault", true); // no answer: a timeout or a broken connection
        }
        if (failure != null) {
            document.putObject("cause").putArray("exceptions").addObject().put("id", newId())
                    .put("type", failure.getClass().getSimpleName()).put("message", failure.getMessage());
        }
        return document;
    }

    private void send(ObjectNode document) {
        byte[] body = document.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer datagram = ByteBuffer.allocate(DAEMON_HEADER.length + body.length).put(DAEMON_HEADER).put(body)
                .flip();
        // A channel a document: nothing is opened at init to be carried through a SnapStart snapshot.
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.send(datagram, daemon);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("X-Ray subsegment not sent to %s: %s", daemon, e.toString());
        }
    }

    /** A segment document's or an exception's id: 16 hex digits. */
    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Epoch seconds with the microseconds X-Ray keeps. */
    private double seconds() {
        Instant now = clock.instant();
        return now.getEpochSecond() + now.getNano() / 1_000 / 1e6;
    }
}
