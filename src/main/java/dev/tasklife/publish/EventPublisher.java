package dev.tasklife.publish;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Sends events to the lifecycle bus with PutEvents. PutEvents can succeed as a call and still refuse single
 * entries ({@code FailedEntryCount}, mostly throttling); those entries, and only those, are sent again a bounded
 * number of times, after a random pause below a ceiling that doubles each time (full jitter).
 */
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    /** PutEvents takes at most 10 entries per call. */
    private static final int MAX_ENTRIES_PER_CALL = 10;
    private static final int MAX_ATTEMPTS = 3;
    private static final long BACKOFF_BASE_MILLIS = 50;

    /** How the publisher waits between attempts; tests pass one that records the pauses. */
    @FunctionalInterface
    public interface Pause {
        void millis(long duration) throws InterruptedException;
    }

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final String source;
    private final Pause pause;

    public EventPublisher(EventBridgeClient eventBridge, String busName, String source) {
        this(eventBridge, busName, source, Thread::sleep);
    }

    public EventPublisher(EventBridgeClient eventBridge, String busName, String source, Pause pause) {
        this.eventBridge = eventBridge;
        this.busName = busName;
        this.source = source;
        this.pause = pause;
    }

    public void publish(List<OutboundEvent> events) {
        for (int start = 0; start < events.size(); start += MAX_ENTRIES_PER_CALL) {
            publishBatch(events.subList(start, Math.min(events.size(), start + MAX_ENTRIES_PER_CALL)));
        }
    }

    private void publishBatch(List<OutboundEvent> batch) {
        List<OutboundEvent> pending = batch;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            PutEventsResponse response = eventBridge.putEvents(PutEventsRequest.builder()
                    .entries(pending.stream().map(this::entry).toList())
                    .build());
            if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
                return;
            }
            List<OutboundEvent> failed = new ArrayList<>();
            List<PutEventsResultEntry> results = response.entries();
            for (int i = 0; i < pending.size(); i++) {
                PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
                if (result == null || result.errorCode() != null) {
                    failed.add(pending.get(i));
                    LOG.warnf("PutEvents refused event %s (%s) attempt %d: %s %s", pending.get(i).eventId(),
                            pending.get(i).detailType(), attempt, result == null ? "no result" : result.errorCode(),
                            result == null ? "" : result.errorMessage());
                }
            }
            pending = failed;
            if (attempt < MAX_ATTEMPTS) {
                backOff(attempt);
            }
        }
        if (!pending.isEmpty()) {
            throw new PublishFailedException(pending.size() + " event(s) not accepted by EventBridge bus " + busName
                    + ", first " + pending.get(0).eventId());
        }
    }

    private void backOff(int attempt) {
        try {
            pause.millis(Jitter.upTo(BACKOFF_BASE_MILLIS << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while resending to EventBridge bus " + busName);
        }
    }

    private PutEventsRequestEntry entry(OutboundEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(source)
                .detailType(event.detailType())
                .detail(event.detail().toString())
                .resources(List.of())
                .build();
    }
}
